import { AppError } from "../../domain/errors.js";
import { isoNow } from "../../platform/clock.js";
import type { LockManager } from "../../platform/lock/lock.js";
import { findGroupAssignee } from "../../store/group-assignees.js";
import { findLinkedGroups, type LinkedGroup } from "../../store/linked-groups.js";
import { recordSyncAttempt, type SyncOutcome } from "../../store/sync-log.js";
import { lastWrittenValue } from "../../store/sync-last-written.js";
import { recordUnresolvedIdentity } from "../../store/unresolved-identities.js";
import { membershipDates, projectsByUser, usersByExternalActor, usersByVerifiedEmail } from "../../store/user-lookup.js";
import { assign } from "../assignment/assign.js";
import { deassign } from "../assignment/deassign.js";
import type { AssignmentContext, AssignmentSource, GroupRef } from "../assignment/types.js";
import { chooseAssignee } from "./choose-assignee.js";
import { freshLinkedGroups } from "./fresh-linked-groups.js";
import { inboundOrganizations } from "./where-should-sync.js";

/** Who the ticket is now assigned to, as the provider told us. */
export type InboundIdentity =
  | { email: string }
  /** A provider login such as GitHub's `@octocat`, matched through external actors (§5.3). */
  | { externalActor: string }
  /** The provider named someone but hid their email (Jira without email access). */
  | { missingEmail: string };

export interface InboundAssigneeChange {
  integrationId: number;
  externalIssueKey: string;
  /** null: the ticket is now unassigned. */
  identity: InboundIdentity | null;
  /** The provider's ordering value of this change (D10); null when it gives none. */
  ordering: number | null;
}

export interface InboundContext extends AssignmentContext {
  lock: LockManager;
}

export interface InboundResult {
  assigned: GroupRef[];
  unassigned: GroupRef[];
}

/** An integration row read with `status = 'active'`. */
export interface ActiveIntegration {
  id: number;
  provider: string;
  name: string;
}

const LOCK_TTL_MS = 30_000;

/**
 * §5.2 `sync_group_assignee_inbound` (and §5.3 by external actor) with D9 and D10: the linked groups of
 * organizations that sync inbound follow the ticket's assignee; every group's outcome is logged.
 */
export async function syncGroupAssigneeInbound(ctx: InboundContext, change: InboundAssigneeChange, known?: ActiveIntegration): Promise<InboundResult> {
  const result: InboundResult = { assigned: [], unassigned: [] };
  // A caller that has just read the active integration (the webhook dispatcher) passes it instead of a re-read.
  const integration =
    known?.id === change.integrationId
      ? known
      : await ctx.db
          .selectFrom("integrations")
          .select(["id", "provider", "name"])
          .where("id", "=", change.integrationId)
          .where("status", "=", "active")
          .executeTakeFirst();
  if (!integration) return result;
  const source: AssignmentSource = { integrationId: integration.id, sourceName: integration.provider };

  // One change per ticket at a time: the watermark check and the assignment must not interleave.
  const lease = await ctx.lock.acquire(`sync:assignee:${integration.id}:${change.externalIssueKey}`, { ttlMs: LOCK_TTL_MS, waitMs: 15_000 });
  if (!lease) throw new AppError("unavailable", "sync_lock_busy", "Another change of this ticket is being applied; retry shortly");
  try {
    const { installed, enabled } = await inboundOrganizations(ctx.db, integration.id, "inbound_assignee");
    const groups = await findLinkedGroups(ctx.db, integration.id, change.externalIssueKey, installed);
    const now = isoNow(ctx.clock);
    const log = (group: LinkedGroup, outcome: SyncOutcome, reason: string, detail?: Record<string, unknown>) =>
      recordSyncAttempt(ctx.db, {
        organizationId: group.organizationId,
        groupId: group.id,
        integrationId: integration.id,
        externalIssueKey: change.externalIssueKey,
        direction: "inbound",
        field: "assignee",
        outcome,
        reason,
        detail: { ...detail, ...(change.ordering !== null ? { ordering: change.ordering } : {}) },
        createdAt: now,
      });

    const fresh = await freshLinkedGroups(ctx.db, groups, { ...change, integrationId: integration.id, field: "assignee" }, enabled, now, log);
    if (fresh.length === 0) return result;

    if (change.identity === null) {
      for (const group of fresh) {
        const ref = { id: group.id, projectId: group.projectId, organizationId: group.organizationId };
        const changed = await deassign(ctx, ref, { extra: { integration: integration.provider }, source });
        if (changed) await log(group, "applied", "Unassigned, as the ticket is");
        else await log(group, (await isEcho(ctx, group, "")) ? "skipped_echo" : "unchanged", "The group had no assignee");
        result.unassigned.push(ref);
      }
      return result;
    }

    const { candidates, kind, value } = await candidatesFor(ctx, integration, change.identity);
    const visible = await projectsByUser(ctx.db, candidates);
    const unresolved: LinkedGroup[] = [];
    for (const group of fresh) {
      const joined = await membershipDates(ctx.db, group.organizationId, candidates);
      const userId = chooseAssignee(candidates.filter((id) => joined.has(id)), group.projectId, visible, joined);
      if (userId === undefined) {
        // The previous assignee stays: nobody we know matches (§5.2).
        await log(group, "user_not_found", NOT_FOUND_REASON[kind], { [kind]: value });
        unresolved.push(group);
        continue;
      }
      const ref = { id: group.id, projectId: group.projectId, organizationId: group.organizationId };
      const current = await findGroupAssignee(ctx.db, group.id);
      if (current?.user_id === userId) {
        await log(group, (await isEcho(ctx, group, value)) ? "skipped_echo" : "unchanged", "Already assigned to this user", { userId });
        result.assigned.push(ref);
        continue;
      }
      await assign(ctx, ref, { type: "user", id: userId }, { extra: { integration: integration.provider }, source });
      await log(group, "applied", candidates.length > 1 ? "Assigned; several users matched, the oldest member was chosen (D9)" : "Assigned to the matching user", {
        userId,
        candidates: candidates.length,
      });
      result.assigned.push(ref);
    }
    if (unresolved.length) await recordUnresolved(ctx, unresolved, integration, kind, value, change.externalIssueKey, now);
    return result;
  } finally {
    await ctx.lock.release(lease);
  }
}

const NOT_FOUND_REASON = {
  email: "No member with access to the project has this verified email, and no external user maps it",
  external_actor: "No external user maps this login to a member with access to the project",
  missing_email: "The provider did not share the assignee's email, and no external user maps this name",
} as const;

/**
 * Users who may be meant: verified-email owners, else people an admin mapped to this name with an
 * external actor (the way an unresolved identity is resolved).
 */
async function candidatesFor(
  ctx: InboundContext,
  integration: { id: number; provider: string },
  identity: InboundIdentity,
): Promise<{ candidates: number[]; kind: "email" | "external_actor" | "missing_email"; value: string }> {
  const mapped = (name: string) => usersByExternalActor(ctx.db, integration.id, integration.provider, name);
  if ("email" in identity) {
    const owners = await usersByVerifiedEmail(ctx.db, identity.email);
    return { candidates: owners.length ? owners : await mapped(identity.email), kind: "email", value: identity.email };
  }
  if ("externalActor" in identity) return { candidates: await mapped(identity.externalActor), kind: "external_actor", value: identity.externalActor };
  return { candidates: await mapped(identity.missingEmail), kind: "missing_email", value: identity.missingEmail };
}

async function isEcho(ctx: InboundContext, group: LinkedGroup, value: string): Promise<boolean> {
  const written = await lastWrittenValue(ctx.db, group.externalIssueId, "assignee");
  return written !== undefined && written.toLowerCase() === value.toLowerCase();
}

async function recordUnresolved(
  ctx: InboundContext,
  groups: LinkedGroup[],
  integration: { id: number; provider: string },
  kind: "email" | "external_actor" | "missing_email",
  value: string,
  externalIssueKey: string,
  now: string,
): Promise<void> {
  for (const organizationId of new Set(groups.map((g) => g.organizationId))) {
    await recordUnresolvedIdentity(ctx.db, { organizationId, integrationId: integration.id, provider: integration.provider, kind, value, externalIssueKey }, now);
  }
}
