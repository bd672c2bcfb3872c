import type { SyncEvent } from "../../domain/neutral-events.js";

/** Where a Bitbucket repository is recorded (Sentry's repository provider name); its external id is the repo uuid. */
export const BITBUCKET_REPOSITORY_PROVIDER = "integrations:bitbucket";

/** The repository events Switchboard acts on; others are acknowledged and ignored. */
export const HANDLED_BITBUCKET_EVENTS = new Set(["issue:updated"]);

/** Bitbucket issue states that mean the work is over. */
const RESOLVED_STATES = new Set(["resolved", "closed", "invalid", "duplicate", "wontfix"]);

type Json = Record<string, unknown>;
const asObject = (value: unknown): Json | undefined => (value && typeof value === "object" && !Array.isArray(value) ? (value as Json) : undefined);
const asString = (value: unknown): string | undefined => (typeof value === "string" && value.length > 0 ? value : undefined);

/** The repository uuid a delivery names (with its braces, as Bitbucket writes it). */
export function repositoryUuidOf(payload: unknown): string | undefined {
  return asString(asObject(asObject(payload)?.repository)?.uuid);
}

/**
 * An `issue:updated` delivery as neutral events. The key is `<workspace>/<repo>#<id>` (Sentry's Bitbucket
 * external issue key). An assignee change uses the issue's CURRENT assignee; accounts carry no email, so
 * the assignee is named `@<nickname>` for external-actor matching (or by display name). A status change
 * resolves when the new state is resolved/closed/invalid/duplicate/wontfix. `issue.updated_on` orders (D10).
 */
export function parseBitbucketIssueEvent(eventKey: string, payload: unknown, integrationId: number): SyncEvent[] {
  if (eventKey !== "issue:updated") return [];
  const data = asObject(payload);
  const issue = asObject(data?.issue);
  const repo = asString(asObject(data?.repository)?.full_name);
  const id = issue?.id;
  if (!issue || !repo || (typeof id !== "number" && typeof id !== "string")) return [];
  const key = `${repo}#${id}`;
  const updated = Date.parse(asString(issue.updated_on) ?? "");
  const ordering = Number.isFinite(updated) ? updated : null;
  const changes = asObject(data?.changes) ?? {};
  const events: SyncEvent[] = [];
  if ("assignee" in changes) {
    const assignee = asObject(issue.assignee);
    const nickname = asString(assignee?.nickname);
    const displayName = asString(assignee?.display_name) ?? null;
    if (!assignee) events.push({ type: "assignee_changed", integrationId, externalIssueKey: key, email: null, assigned: false, ordering });
    else if (nickname || displayName) events.push({ type: "assignee_changed", integrationId, externalIssueKey: key, email: null, externalActor: nickname ? `@${nickname}` : null, displayName, assigned: true, ordering });
  }
  const status = asString(asObject(changes.status)?.new) ?? (asObject(changes.state) ? asString(asObject(changes.state)?.new) : undefined);
  if (status) events.push({ type: "status_changed", integrationId, externalIssueKey: key, resolved: RESOLVED_STATES.has(status.toLowerCase()), ordering });
  return events;
}
