import { isFeatureEnabled } from "../../domain/features.js";
import { isoNow } from "../../platform/clock.js";
import { findGroupAssignee, insertGroupAssigneeIfAbsent, reassignGroupAssignee } from "../../store/group-assignees.js";
import { recordGroupChange } from "../record-group-change.js";
import { primaryEmail } from "../../store/user-email.js";
import { removeOldAssignees } from "./remove-old-assignees.js";
import { subscribeAssignee } from "./subscribe-assignee.js";
import type { AssignmentContext, AssignOptions, AssignResult, Assignee, GroupRef } from "./types.js";

/**
 * Sentry's `GroupAssignee.objects.assign` (§6.1): subscribe the assignee, create or re-point the one
 * assignee row, and when that changed anything record activity and history, drop the previous assignee's
 * subscriptions and, for users, ask the linked tickets to follow. Re-assigning the same assignee is a no-op.
 */
export async function assign(ctx: AssignmentContext, group: GroupRef, assignee: Assignee, options: AssignOptions = {}): Promise<AssignResult> {
  const now = isoNow(ctx.clock);
  const outcome = await ctx.db.transaction().execute(async (tx) => {
    await subscribeAssignee(tx, group, assignee, now);
    const previous = await findGroupAssignee(tx, group.id);
    const created = await insertGroupAssigneeIfAbsent(tx, {
      project_id: group.projectId,
      group_id: group.id,
      user_id: assignee.type === "user" ? assignee.id : null,
      team_id: assignee.type === "team" ? assignee.id : null,
      date_added: now,
    });
    let affected = created;
    if (!created) {
      const changed = options.createOnly ? 0 : await reassignGroupAssignee(tx, group.id, assignee.type, assignee.id, now);
      affected = changed > 0 || Boolean(options.forceAutoassign);
    }
    if (!affected) return { created, affected, previous };

    const email = assignee.type === "user" ? await primaryEmail(tx, assignee.id) : null;
    await recordGroupChange(tx, group, {
      activity: "assigned",
      history: "assigned",
      actingUserId: options.actingUserId ?? null,
      data: { assignee: String(assignee.id), assigneeEmail: email, assigneeType: assignee.type, ...(options.extra ?? {}) },
      now,
    });
    if (!created && previous) await removeOldAssignees(tx, group, previous, assignee);
    const org = await tx.selectFrom("organizations").select("features").where("id", "=", group.organizationId).executeTakeFirst();
    return { created, affected, previous, issueSync: isFeatureEnabled(org?.features, "integrations-issue-sync") };
  });

  // Team assignments are never synced outbound (D17): external trackers assign people.
  if (outcome.affected && assignee.type === "user" && "issueSync" in outcome && outcome.issueSync && ctx.outbound) {
    await ctx.outbound({ group, userId: assignee.id, assign: true, source: options.source ?? null });
  }
  return { newAssignment: outcome.created, updatedAssignment: !outcome.created && outcome.affected };
}
