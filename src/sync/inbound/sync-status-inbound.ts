import { AppError } from "../../domain/errors.js";
import { isoNow } from "../../platform/clock.js";
import { findLinkedGroups, type LinkedGroup } from "../../store/linked-groups.js";
import { recordSyncAttempt, type SyncOutcome } from "../../store/sync-log.js";
import { lastWrittenValue } from "../../store/sync-last-written.js";
import { setGroupStatus, type StatusContext } from "../status/set-group-status.js";
import type { InboundContext } from "./sync-group-assignee-inbound.js";
import { freshLinkedGroups } from "./fresh-linked-groups.js";
import { inboundOrganizations } from "./where-should-sync.js";

export interface InboundStatusChange {
  integrationId: number;
  externalIssueKey: string;
  /** true: the ticket entered a done/resolved state; false: it left one. */
  resolved: boolean;
  ordering: number | null;
}

/**
 * §4.4 / §9.5 / GitHub closed-reopened: linked groups of organizations with `sync_status_reverse`
 * resolve or unresolve with the ticket; older changes are skipped (D10); each outcome is logged.
 */
export async function syncStatusInbound(ctx: InboundContext & StatusContext, change: InboundStatusChange): Promise<number[]> {
  const integration = await ctx.db
    .selectFrom("integrations")
    .select(["id", "provider"])
    .where("id", "=", change.integrationId)
    .where("status", "=", "active")
    .executeTakeFirst();
  if (!integration) return [];
  const lease = await ctx.lock.acquire(`sync:status:${integration.id}:${change.externalIssueKey}`, { ttlMs: 30_000, waitMs: 15_000 });
  if (!lease) throw new AppError("unavailable", "sync_lock_busy", "Another change of this ticket is being applied; retry shortly");
  try {
    const { installed, enabled } = await inboundOrganizations(ctx.db, integration.id, "inbound_status");
    const groups = await findLinkedGroups(ctx.db, integration.id, change.externalIssueKey, installed);
    const now = isoNow(ctx.clock);
    const target = change.resolved ? "resolved" : "unresolved";
    const log = (group: LinkedGroup, outcome: SyncOutcome, reason: string) =>
      recordSyncAttempt(ctx.db, {
        organizationId: group.organizationId,
        groupId: group.id,
        integrationId: integration.id,
        externalIssueKey: change.externalIssueKey,
        direction: "inbound",
        field: "status",
        outcome,
        reason,
        detail: { status: target, ...(change.ordering !== null ? { ordering: change.ordering } : {}) },
        createdAt: now,
      });
    const changed: number[] = [];
    const fresh = await freshLinkedGroups(ctx.db, groups, { ...change, integrationId: integration.id, field: "status" }, enabled, now, log);
    for (const group of fresh) {
      const ref = { id: group.id, projectId: group.projectId, organizationId: group.organizationId };
      const source = { integrationId: integration.id, sourceName: integration.provider };
      if (await setGroupStatus(ctx, ref, target, { source, extra: { integration: integration.provider } })) {
        changed.push(group.id);
        await log(group, "applied", change.resolved ? "Resolved, as the ticket is done" : "Unresolved, as the ticket was reopened");
      } else {
        const echo = (await lastWrittenValue(ctx.db, group.externalIssueId, "status")) === target;
        await log(group, echo ? "skipped_echo" : "unchanged", `The group is already ${target}`);
      }
    }
    return changed;
  } finally {
    await ctx.lock.release(lease);
  }
}
