import type { Kysely, Transaction } from "kysely";
import type { Database, GroupAssigneesTable } from "./schema.js";

type Db = Kysely<Database> | Transaction<Database>;

export type AssigneeRow = { id: number; project_id: number; group_id: number; user_id: number | null; team_id: number | null; date_added: string };

/** The group's assignee row, if any. */
export async function findGroupAssignee(db: Db, groupId: number): Promise<AssigneeRow | undefined> {
  return db.selectFrom("group_assignees").selectAll().where("group_id", "=", groupId).executeTakeFirst();
}

/** Inserts the row unless the group already has one; true when this call created it. */
export async function insertGroupAssigneeIfAbsent(db: Db, row: Omit<GroupAssigneesTable, "id">): Promise<boolean> {
  const result = await db
    .insertInto("group_assignees")
    .values(row)
    .onConflict((oc) => oc.column("group_id").doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/**
 * Points the group's row at a new user or team unless it already names it; returns rows changed.
 * (Sentry's `exclude(<attr>=id).update(...)`: NULL counts as different.)
 */
export async function reassignGroupAssignee(db: Db, groupId: number, type: "user" | "team", id: number, now: string): Promise<number> {
  const column = type === "user" ? "user_id" : "team_id";
  const result = await db
    .updateTable("group_assignees")
    .set(type === "user" ? { user_id: id, team_id: null, date_added: now } : { team_id: id, user_id: null, date_added: now })
    .where("group_id", "=", groupId)
    .where((eb) => eb.or([eb(column, "is", null), eb(column, "!=", id)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows ?? 0);
}

/** Deletes the group's assignee and returns the row it deleted, if any (one statement instead of a read and a delete). */
export async function takeGroupAssignee(db: Db, groupId: number): Promise<AssigneeRow | undefined> {
  return db.deleteFrom("group_assignees").where("group_id", "=", groupId).returningAll().executeTakeFirst();
}
