import type { Kysely, Transaction } from "kysely";
import type { Database } from "./schema.js";

/** Activity types, spelled as Sentry's `ActivityType` names (lowercase). */
export type ActivityType =
  | "set_resolved"
  | "set_unresolved"
  | "set_ignored"
  | "set_regression"
  | "first_seen"
  | "assigned"
  | "unassigned"
  | "create_issue"
  | "note";

export interface NewActivity {
  projectId: number;
  groupId: number;
  type: ActivityType;
  userId?: number | null;
  data?: Record<string, unknown>;
  datetime: string;
}

export interface ActivityRecord {
  id: number;
  projectId: number;
  groupId: number;
  type: string;
  userId: number | null;
  data: Record<string, unknown>;
  datetime: string;
}

type Db = Kysely<Database> | Transaction<Database>;

/** Appends one activity row to a group's timeline. */
export async function recordActivity(db: Db, activity: NewActivity): Promise<number> {
  const row = await db
    .insertInto("activity")
    .values({
      project_id: activity.projectId,
      group_id: activity.groupId,
      type: activity.type,
      user_id: activity.userId ?? null,
      data: JSON.stringify(activity.data ?? {}),
      datetime: activity.datetime,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A group's activity, newest first. */
export async function listActivity(db: Db, groupId: number, limit = 100): Promise<ActivityRecord[]> {
  const rows = await db.selectFrom("activity").selectAll().where("group_id", "=", groupId).orderBy("id", "desc").limit(limit).execute();
  return rows.map((r) => ({
    id: r.id,
    projectId: r.project_id,
    groupId: r.group_id,
    type: r.type,
    userId: r.user_id,
    data: JSON.parse(r.data) as Record<string, unknown>,
    datetime: r.datetime,
  }));
}
