import type { SyncEvent } from "../domain/neutral-events.js";
import { syncGroupAssigneeInbound, type ActiveIntegration, type InboundContext, type InboundIdentity } from "./inbound/sync-group-assignee-inbound.js";
import { syncStatusInbound } from "./inbound/sync-status-inbound.js";
import type { StatusContext } from "./status/set-group-status.js";

/**
 * Applies a provider-neutral ticket change to the linked groups; returns the ids of groups it changed.
 * `integration`: the event's integration, when the caller has just read it as active.
 */
export async function applySyncEvent(ctx: InboundContext & StatusContext, event: SyncEvent, integration?: ActiveIntegration): Promise<number[]> {
  if (event.type === "status_changed") {
    return syncStatusInbound(ctx, event);
  }
  let identity: InboundIdentity | null = null;
  if (event.assigned) {
    if (event.email) identity = { email: event.email };
    else if (event.externalActor) identity = { externalActor: event.externalActor };
    else if (event.displayName) identity = { missingEmail: event.displayName };
    else return [];
  }
  const result = await syncGroupAssigneeInbound(ctx, {
    integrationId: event.integrationId,
    externalIssueKey: event.externalIssueKey,
    identity,
    ordering: event.ordering,
  }, integration);
  return [...result.assigned, ...result.unassigned].map((g) => g.id);
}
