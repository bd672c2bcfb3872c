import type { Kysely, Transaction } from "kysely";
import { isFeatureEnabled } from "../../domain/features.js";
import type { AssigneeRow } from "../../store/group-assignees.js";
import { unsubscribeTeam, unsubscribeUsers } from "../../store/group-subscriptions.js";
import type { Database } from "../../store/schema.js";
import { activeTeamMemberUserIds, isActiveTeamMember } from "../../store/team-membership.js";
import type { Assignee, GroupRef } from "./types.js";

const REASON = "assigned";

/** §6.3: drops the `assigned` subscriptions of the previous assignee, keeping those the new one still implies. */
export async function removeOldAssignees(
  db: Kysely<Database> | Transaction<Database>,
  group: GroupRef,
  previous: AssigneeRow,
  next: Assignee | null,
): Promise<void> {
  if (previous.team_id !== null) {
    const org = await db.selectFrom("organizations").select("features").where("id", "=", group.organizationId).executeTakeFirst();
    if (isFeatureEnabled(org?.features, "team-workflow-notifications")) {
      await unsubscribeTeam(db, group.id, previous.team_id, REASON);
      return;
    }
    const members = await activeTeamMemberUserIds(db, previous.team_id);
    const keep = next?.type === "user" ? next.id : undefined;
    await unsubscribeUsers(db, group.id, members.filter((id) => id !== keep), REASON);
    return;
  }
  if (previous.user_id !== null) {
    if (next?.type === "team" && (await isActiveTeamMember(db, next.id, previous.user_id))) return;
    await unsubscribeUsers(db, group.id, [previous.user_id], REASON);
  }
}
