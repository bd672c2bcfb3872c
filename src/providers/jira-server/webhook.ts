import type { SyncEvent } from "../../domain/neutral-events.js";

interface IssueUpdated {
  timestamp?: unknown;
  changelog?: { id?: unknown; items?: unknown } | null;
  issue?: {
    key?: unknown;
    fields?: { assignee?: { emailAddress?: unknown; displayName?: unknown } | null; status?: { statusCategory?: { key?: unknown } | null } | null } | null;
  } | null;
}

/** Whether a delivery carries a changelog at all (§9.3 step 2: without one it is a 200 no-op). */
export function hasChangelog(payload: unknown): boolean {
  const changelog = (payload as IssueUpdated | null)?.changelog;
  return Boolean(changelog) && typeof changelog === "object";
}

/**
 * A `jira:issue_updated` delivery as neutral events. Assignee (§9.4): the issue's current assignee is
 * the new one; no email names the person by display name only. Status (§9.5): a changelog item for
 * `status` resolves when the issue now sits in Jira's done category, else unresolves. The ordering value
 * (D10) is the delivery's `timestamp`, else the changelog id.
 */
export function parseIssueUpdated(payload: unknown, integrationId: number): SyncEvent[] {
  const data = payload as IssueUpdated | null;
  const items = data?.changelog?.items;
  const key = data?.issue?.key;
  if (!Array.isArray(items) || typeof key !== "string" || key.length === 0) return [];
  const ordering = typeof data?.timestamp === "number" ? data.timestamp : Number.isFinite(Number(data?.changelog?.id)) ? Number(data?.changelog?.id) : null;
  const changed = (field: string) => items.some((item) => (item as { field?: unknown } | null)?.field === field);
  const events: SyncEvent[] = [];
  if (changed("assignee")) {
    const assignee = data?.issue?.fields?.assignee;
    const email = typeof assignee?.emailAddress === "string" && assignee.emailAddress.length > 0 ? assignee.emailAddress : null;
    const displayName = typeof assignee?.displayName === "string" ? assignee.displayName : null;
    if (!assignee) events.push({ type: "assignee_changed", integrationId, externalIssueKey: key, email: null, assigned: false, ordering });
    else if (email || displayName) events.push({ type: "assignee_changed", integrationId, externalIssueKey: key, email, displayName, assigned: true, ordering });
  }
  const category = data?.issue?.fields?.status?.statusCategory?.key;
  if (changed("status") && typeof category === "string") {
    events.push({ type: "status_changed", integrationId, externalIssueKey: key, resolved: category === "done", ordering });
  }
  return events;
}
