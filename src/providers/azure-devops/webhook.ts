import type { SyncEvent } from "../../domain/neutral-events.js";
import { isDoneState } from "./status-mapping.js";

interface FieldChange {
  oldValue?: unknown;
  newValue?: unknown;
}

interface WorkItemUpdated {
  resource?: { workItemId?: unknown; rev?: unknown; fields?: Record<string, FieldChange | undefined> | null };
}

/** The email inside the first `<`…`>` of an Azure identity string (`"lauryn <lauryn@x.io>"`), greedy as Sentry's `<(.*)>`. */
export function parseAzureEmail(identity: string): string | null {
  const match = /<(.*)>/.exec(identity);
  const email = match?.[1]?.trim();
  return email ? email : null;
}

/**
 * A `workitem.updated` delivery as neutral assignee events (§4.2-4.3 with D8): a new value assigns the
 * email inside `<…>`, a value without one is a no-op (not a 500), only an old value unassigns.
 * `resource.rev` is the ordering value (D10). A state change (§4.4) into a done state resolves, one out
 * of a done state unresolves, a new item's first state changes nothing; done states are those of Azure's
 * system processes (see status-mapping.ts).
 */
export function parseWorkItemUpdated(payload: unknown, integrationId: number): SyncEvent[] {
  // The body is the provider's, not ours: every field is checked before it is believed.
  const resource = (payload as WorkItemUpdated | null)?.resource;
  const key = resource?.workItemId;
  if ((typeof key !== "number" && typeof key !== "string") || String(key).length === 0) return [];
  const fields = resource?.fields;
  if (!fields || typeof fields !== "object") return [];
  const ordering = typeof resource?.rev === "number" && Number.isFinite(resource.rev) ? resource.rev : null;
  const externalIssueKey = String(key);
  return [...assigneeEvents(fields["System.AssignedTo"], integrationId, externalIssueKey, ordering), ...statusEvents(fields["System.State"], integrationId, externalIssueKey, ordering)];
}

function assigneeEvents(assignedTo: FieldChange | undefined, integrationId: number, externalIssueKey: string, ordering: number | null): SyncEvent[] {
  if (!assignedTo || typeof assignedTo !== "object") return [];
  if (assignedTo.newValue !== undefined && assignedTo.newValue !== null) {
    const email = typeof assignedTo.newValue === "string" ? parseAzureEmail(assignedTo.newValue) : null;
    if (!email) return [];
    return [{ type: "assignee_changed", integrationId, externalIssueKey, email, assigned: true, ordering }];
  }
  if (assignedTo.oldValue === undefined) return [];
  return [{ type: "assignee_changed", integrationId, externalIssueKey, email: null, assigned: false, ordering }];
}

function statusEvents(state: FieldChange | undefined, integrationId: number, externalIssueKey: string, ordering: number | null): SyncEvent[] {
  if (!state || typeof state !== "object") return [];
  // A new item's first state has no old value: no change and no activity (§4.4).
  if (state.oldValue === undefined || state.oldValue === null) return [];
  const wasDone = isDoneState(state.oldValue);
  const isDone = isDoneState(state.newValue);
  if (wasDone === isDone) return [];
  return [{ type: "status_changed", integrationId, externalIssueKey, resolved: isDone, ordering }];
}
