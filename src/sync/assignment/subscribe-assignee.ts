import type { Transaction } from "kysely";
import { isFeatureEnabled } from "../../domain/features.js";
import { subscribeToGroup } from "../../store/group-subscriptions.js";
import type { Database } from "../../store/schema.js";
import { activeTeamMemberUserIds } from "../../store/team-membership.js";
import type { Assignee, GroupRef } from "./types.js";

/**
 * Sentry's `subscribe_actor(reason=assigned)`: a user is subscribed; a team is subscribed as a team when
 * the organization has team workflow notifications, else each of its active members is.
 */
export async function subscribeAssignee(tx: Transaction<Database>, group: GroupRef, assignee: Assignee, now: string): Promise<void> {
  if (assignee.type === "user") {
    await subscribeToGroup(tx, group, assignee, "assigned", now);
    return;
  }
  const org = await tx.selectFrom("organizations").select("features").where("id", "=", group.organizationId).executeTakeFirst();
  if (isFeatureEnabled(org?.features, "team-workflow-notifications")) {
    await subscribeToGroup(tx, group, assignee, "assigned", now);
    return;
  }
  for (const userId of await activeTeamMemberUserIds(tx, assignee.id)) {
    await subscribeToGroup(tx, group, { type: "user", id: userId }, "assigned", now);
  }
}
