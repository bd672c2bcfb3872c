import type { IssueEvent } from "./issue-changes.js";
import { commentJson, issueJson } from "./issue-json.js";
import { userJson } from "./json-views.js";
import type { JiraState, JiraWebhook } from "./state.js";

/**
 * The body of a `jira:issue_created` / `jira:issue_updated` delivery (§3.4): `timestamp`,
 * `webhookEvent`, `issue_event_type_name`, the acting `user`, the whole `issue` as it stands after the
 * change, and `changelog: {id, items}` when fields changed (a `comment` when one was added).
 */
export function issueEventPayload(base: string, state: JiraState, event: IssueEvent): Record<string, unknown> {
  const payload: Record<string, unknown> = {
    timestamp: event.timestampMs,
    webhookEvent: event.webhookEvent,
    issue_event_type_name: event.eventTypeName,
    user: userJson(base, event.actor),
    issue: issueJson(base, state, event.issue),
  };
  if (event.history) payload.changelog = { id: event.history.id, items: event.history.items.map((i) => ({ ...i })) };
  if (event.comment) payload.comment = commentJson(base, state, event.issue, event.comment);
  return payload;
}

/**
 * The URL a webhook is called at: its `${issue.key}`-style variables filled in, then `user_id` and
 * `user_key` of the acting user appended as query parameters, as Jira does.
 */
export function deliveryUrl(webhook: Pick<JiraWebhook, "url">, event: IssueEvent, projectKey: string): string {
  const vars: Record<string, string> = {
    "issue.id": event.issue.id,
    "issue.key": event.issue.key,
    "project.id": event.issue.projectId,
    "project.key": projectKey,
  };
  const url = webhook.url.replace(/\$\{([a-z.]+)\}/g, (whole, name: string) => (name in vars ? encodeURIComponent(vars[name] as string) : whole));
  const separator = url.includes("?") ? "&" : "?";
  return `${url}${separator}user_id=${encodeURIComponent(event.actor.name)}&user_key=${encodeURIComponent(event.actor.key)}`;
}
