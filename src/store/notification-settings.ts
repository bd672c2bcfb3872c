import type { Kysely, Transaction } from "kysely";
import type { Database } from "./schema.js";

type Db = Kysely<Database> | Transaction<Database>;

/** Removes every notification setting scoped to a project (first step of a project's deletion, §11.3). */
export async function removeProjectNotificationSettings(db: Db, projectId: number): Promise<number> {
  const result = await db.deleteFrom("notification_settings").where("scope_type", "=", "project").where("scope_identifier", "=", projectId).executeTakeFirst();
  return Number(result.numDeletedRows ?? 0);
}

/** Adds a notification setting (user or team, scoped to a project, organization or user). */
export async function addNotificationSetting(
  db: Db,
  setting: { scopeType: string; scopeIdentifier: number; userId?: number | null; teamId?: number | null; type: string; value: string },
  now: string,
): Promise<void> {
  await db
    .insertInto("notification_settings")
    .values({
      scope_type: setting.scopeType,
      scope_identifier: setting.scopeIdentifier,
      user_id: setting.userId ?? null,
      team_id: setting.teamId ?? null,
      type: setting.type,
      value: setting.value,
      date_added: now,
    })
    .execute();
}
