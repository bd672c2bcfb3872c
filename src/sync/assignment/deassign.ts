import { isFeatureEnabled } from "../../domain/features.js";
import { isoNow } from "../../platform/clock.js";
import { takeGroupAssignee } from "../../store/group-assignees.js";
import { recordGroupChange } from "../record-group-change.js";
import { invalidateAssigneeExistsCache, invalidateIssueOwnersDebounceCache } from "./owner-caches.js";
import { removeOldAssignees } from "./remove-old-assignees.js";
import type { AssignmentContext, AssignmentSource, GroupRef } from "./types.js";

/**
 * Sentry's `GroupAssignee.objects.deassign` (§6.2): remove the assignee; when there was one, record
 * activity and history, invalidate the owner caches, drop its subscriptions and ask the linked tickets
 * to follow (any previous assignee type, teams included). Nothing happens when there was none.
 */
export async function deassign(
  ctx: AssignmentContext,
  group: GroupRef,
  options: { actingUserId?: number | null; extra?: Record<string, unknown>; source?: AssignmentSource | null } = {},
): Promise<boolean> {
  const now = isoNow(ctx.clock);
  const outcome = await ctx.db.transaction().execute(async (tx) => {
    const previous = await takeGroupAssignee(tx, group.id);
    if (!previous) return { affected: false, issueSync: false };
    await recordGroupChange(tx, group, { activity: "unassigned", history: "unassigned", actingUserId: options.actingUserId ?? null, data: options.extra ?? {}, now });
    await removeOldAssignees(tx, group, previous, null);
    const org = await tx.selectFrom("organizations").select("features").where("id", "=", group.organizationId).executeTakeFirst();
    return { affected: true, issueSync: isFeatureEnabled(org?.features, "integrations-issue-sync") };
  });
  if (!outcome.affected) return false;
  await invalidateAssigneeExistsCache(ctx, group.projectId, group.id);
  await invalidateIssueOwnersDebounceCache(ctx, group.projectId, group.id);
  if (outcome.issueSync && ctx.outbound) {
    await ctx.outbound({ group, userId: null, assign: false, source: options.source ?? null });
  }
  return true;
}
