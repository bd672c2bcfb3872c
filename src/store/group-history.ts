import type { Kysely, Transaction } from "kysely";
import type { Database } from "./schema.js";

type Db = Kysely<Database> | Transaction<Database>;

/** Appends a status change to the group's history. */
export async function recordGroupHistory(
  db: Db,
  entry: { organizationId: number; projectId: number; groupId: number; status: string; userId?: number | null; teamId?: number | null; dateAdded: string },
): Promise<void> {
  await db
    .insertInto("group_history")
    .values({
      organization_id: entry.organizationId,
      project_id: entry.projectId,
      group_id: entry.groupId,
      status: entry.status,
      user_id: entry.userId ?? null,
      team_id: entry.teamId ?? null,
      date_added: entry.dateAdded,
    })
    .execute();
}
