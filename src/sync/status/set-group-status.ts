import { isFeatureEnabled } from "../../domain/features.js";
import { isoNow } from "../../platform/clock.js";
import type { JobQueue } from "../../platform/queue/queue.js";
import { recordGroupChange } from "../record-group-change.js";
import type { AssignmentContext, AssignmentSource, GroupRef } from "../assignment/types.js";
import { enqueueStatusOutbound } from "../outbound/outbound-queue.js";
import { groupStatusHooksFor } from "../../jobs/group-status-hooks.js";

export type GroupStatus = "unresolved" | "resolved" | "ignored";

const ACTIVITY = { resolved: "set_resolved", unresolved: "set_unresolved", ignored: "set_ignored" } as const;

export interface StatusContext extends AssignmentContext {
  queue?: JobQueue;
  outboundBackoffMs?: number;
}

/**
 * Moves a group to a status with its activity and history; a change between resolved and unresolved
 * asks the linked tickets to follow (never the integration the change came from). No-op when unchanged.
 */
export async function setGroupStatus(
  ctx: StatusContext,
  group: GroupRef,
  status: GroupStatus,
  options: { actingUserId?: number | null; source?: AssignmentSource | null; extra?: Record<string, unknown> } = {},
): Promise<boolean> {
  const now = isoNow(ctx.clock);
  const outcome = await ctx.db.transaction().execute(async (tx) => {
    const updated = await tx
      .updateTable("groups")
      .set({ status, resolved_at: status === "resolved" ? now : null })
      .where("id", "=", group.id)
      .where("status", "!=", status)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows ?? 0) === 0) return { changed: false, issueSync: false };
    await recordGroupChange(tx, group, { activity: ACTIVITY[status], history: status, actingUserId: options.actingUserId ?? null, data: options.extra ?? {}, now });
    const org = await tx.selectFrom("organizations").select("features").where("id", "=", group.organizationId).executeTakeFirst();
    return { changed: true, issueSync: isFeatureEnabled(org?.features, "integrations-issue-sync") };
  });
  if (outcome.changed && outcome.issueSync && ctx.queue && status !== "ignored") {
    await enqueueStatusOutbound(ctx.db, ctx.queue, ctx.outboundBackoffMs ?? 5_000, group.id, status === "resolved", options.source ?? null);
  }
  if (outcome.changed) await groupStatusHooksFor(ctx.db).emit({ groupId: group.id, projectId: group.projectId, organizationId: group.organizationId, status });
  return outcome.changed;
}
