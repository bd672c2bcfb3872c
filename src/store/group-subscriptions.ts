import type { Kysely, Transaction } from "kysely";
import type { Database } from "./schema.js";

type Db = Kysely<Database> | Transaction<Database>;

export type Subscriber = { type: "user"; id: number } | { type: "team"; id: number };

/** Subscribes a user or team to a group for `reason` unless already subscribed. */
export async function subscribeToGroup(db: Db, group: { id: number; projectId: number }, who: Subscriber, reason: string, now: string): Promise<void> {
  await db
    .insertInto("group_subscriptions")
    .values({
      project_id: group.projectId,
      group_id: group.id,
      user_id: who.type === "user" ? who.id : null,
      team_id: who.type === "team" ? who.id : null,
      is_active: 1,
      reason,
      date_added: now,
    })
    .onConflict((oc) => oc.columns(who.type === "user" ? ["group_id", "user_id"] : ["group_id", "team_id"]).doNothing())
    .execute();
}

/** Removes subscriptions of the given users for `reason`. */
export async function unsubscribeUsers(db: Db, groupId: number, userIds: number[], reason: string): Promise<void> {
  if (userIds.length === 0) return;
  await db.deleteFrom("group_subscriptions").where("group_id", "=", groupId).where("user_id", "in", userIds).where("reason", "=", reason).execute();
}

/** Removes a team's subscription for `reason`. */
export async function unsubscribeTeam(db: Db, groupId: number, teamId: number, reason: string): Promise<void> {
  await db.deleteFrom("group_subscriptions").where("group_id", "=", groupId).where("team_id", "=", teamId).where("reason", "=", reason).execute();
}

/** Subscribers of a group (for tests and the API). */
export async function listGroupSubscriptions(db: Db, groupId: number) {
  return db.selectFrom("group_subscriptions").selectAll().where("group_id", "=", groupId).orderBy("id").execute();
}
