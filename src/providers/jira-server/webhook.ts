import type { SyncEvent } from "../../domain/neutral-events.js";

interface IssueUpdated {
  timestamp?: unknown;
  changelog?: { id?: unknown; items?: unknown } | null;
  issue?: { key?: unknown; fields?: { assignee?: { emailAddress?: unknown; displayName?: unknown } | null } | null } | null;
}

/** Whether a delivery carries a changelog at all (§9.3 step 2: without one it is a 200 no-op). */
export function hasChangelog(payload: unknown): boolean {
  const changelog = (payload as IssueUpdated | null)?.changelog;
  return Boolean(changelog) && typeof changelog === "object";
}

/**
 * A `jira:issue_updated` delivery as neutral assignee events (§9.4): the issue's current assignee is
 * the new one; no email names the person by display name only. The ordering value (D10) is the
 * delivery's `timestamp`, else the changelog id.
 */
export function parseIssueUpdated(payload: unknown, integrationId: number): SyncEvent[] {
  const data = payload as IssueUpdated | null;
  const items = data?.changelog?.items;
  if (!Array.isArray(items) || !items.some((item) => (item as { field?: unknown } | null)?.field === "assignee")) return [];
  const key = data?.issue?.key;
  if (typeof key !== "string" || key.length === 0) return [];
  const ordering = typeof data?.timestamp === "number" ? data.timestamp : Number.isFinite(Number(data?.changelog?.id)) ? Number(data?.changelog?.id) : null;
  const assignee = data?.issue?.fields?.assignee;
  if (!assignee) return [{ type: "assignee_changed", integrationId, externalIssueKey: key, email: null, assigned: false, ordering }];
  const email = typeof assignee.emailAddress === "string" && assignee.emailAddress.length > 0 ? assignee.emailAddress : null;
  const displayName = typeof assignee.displayName === "string" ? assignee.displayName : null;
  if (!email && !displayName) return [];
  return [{ type: "assignee_changed", integrationId, externalIssueKey: key, email, displayName, assigned: true, ordering }];
}
