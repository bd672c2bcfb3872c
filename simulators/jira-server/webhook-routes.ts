import type { SimRequest, SimResponse, SimServer } from "../shared/sim-server.js";
import { fail, jiraError } from "./errors.js";
import { compileJql, JqlError } from "./jql.js";
import { jsonBody, userRoute } from "./rest-context.js";
import type { JiraState, JiraUser, JiraWebhook } from "./state.js";

/** The events Jira Server's webhook registration accepts (only issue events are delivered here). */
export const WEBHOOK_EVENTS = new Set([
  "jira:issue_created", "jira:issue_updated", "jira:issue_deleted", "jira:worklog_updated",
  "comment_created", "comment_updated", "comment_deleted",
  "worklog_created", "worklog_updated", "worklog_deleted",
  "issuelink_created", "issuelink_deleted",
  "project_created", "project_updated", "project_deleted",
  "jira:version_released", "jira:version_unreleased", "jira:version_created", "jira:version_moved", "jira:version_updated", "jira:version_deleted", "jira:version_merged",
  "user_created", "user_updated", "user_deleted",
  "option_voting_changed", "option_watching_changed", "option_unassigned_issues_changed", "option_subtasks_changed", "option_attachments_changed", "option_issuelinks_changed", "option_timetracking_changed",
  "sprint_created", "sprint_deleted", "sprint_updated", "sprint_started", "sprint_closed",
  "board_created", "board_updated", "board_deleted", "board_configuration_changed",
]);

const FILTER_SECTION = "issue-related-events-section";

/** A webhook as the registration resource shows it. */
export function webhookJson(base: string, state: JiraState, webhook: JiraWebhook): Record<string, unknown> {
  const user = state.userByKey(webhook.lastUpdatedUserKey);
  return {
    name: webhook.name,
    url: webhook.url,
    excludeBody: webhook.excludeBody,
    filters: { [FILTER_SECTION]: webhook.jqlFilter },
    events: [...webhook.events],
    enabled: webhook.enabled,
    self: `${base}/rest/webhooks/1.0/webhook/${webhook.id}`,
    lastUpdatedUser: webhook.lastUpdatedUserKey,
    lastUpdatedDisplayName: user?.displayName ?? webhook.lastUpdatedUserKey,
    lastUpdated: webhook.lastUpdatedMs,
  };
}

/** The registration body (§3.4, sentry-behaviour §9.2), validated; the older `jqlFilter`/`excludeIssueDetails` names are accepted too. */
export interface WebhookInput {
  name: string;
  url: string;
  events: string[];
  jqlFilter: string;
  excludeBody: boolean;
  enabled: boolean;
}

/** Checks a registration body; throws Jira's 400 with every problem found. */
export function validateWebhook(state: JiraState, body: Record<string, unknown>, current?: JiraWebhook): WebhookInput {
  const errors: Record<string, string> = {};
  const name = body.name ?? current?.name;
  if (typeof name !== "string" || name.trim() === "") errors.name = "The webhook name must not be empty.";
  const url = body.url ?? current?.url;
  if (typeof url !== "string" || url.trim() === "") errors.url = "The webhook URL must not be empty.";
  else if (!/^https?:\/\/[^/\s]+/i.test(url)) errors.url = "The webhook URL must be an absolute http or https URL.";
  const events = body.events ?? current?.events ?? [];
  if (!Array.isArray(events) || events.some((e) => typeof e !== "string")) errors.events = "events must be a list of event names.";
  else {
    const unknown = (events as string[]).filter((e) => !WEBHOOK_EVENTS.has(e));
    if (unknown.length) errors.events = `Unknown webhook event(s): ${unknown.join(", ")}.`;
  }
  const filters = body.filters && typeof body.filters === "object" ? (body.filters as Record<string, unknown>) : undefined;
  const jql = filters?.[FILTER_SECTION] ?? body.jqlFilter ?? current?.jqlFilter ?? "";
  if (typeof jql !== "string") errors.filters = "The JQL filter must be a string.";
  else if (jql.trim()) {
    try {
      compileJql(state, jql, undefined);
    } catch (error) {
      if (!(error instanceof JqlError)) throw error;
      errors.filters = error.message;
    }
  }
  if (Object.keys(errors).length) fail(400, [], errors);
  const exclude = body.excludeBody ?? body.excludeIssueDetails ?? current?.excludeBody ?? false;
  return {
    name: (name as string).trim(),
    url: (url as string).trim(),
    events: [...new Set(events as string[])],
    jqlFilter: (jql as string).trim(),
    excludeBody: exclude === true,
    enabled: typeof body.enabled === "boolean" ? body.enabled : (current?.enabled ?? true),
  };
}

/** Stores a new webhook registered by `user`. */
export function addWebhook(state: JiraState, input: WebhookInput, user: JiraUser): JiraWebhook {
  const webhook: JiraWebhook = { id: state.nextWebhookId++, ...input, lastUpdatedUserKey: user.key, lastUpdatedMs: state.clock.now() };
  state.webhooks.set(webhook.id, webhook);
  return webhook;
}

/** The webhook resource is for Jira administrators only (the Atlassian REST plugin's message). */
function adminOnly(state: JiraState, handler: (req: SimRequest, user: JiraUser) => SimResponse) {
  return userRoute(state, (req, user) => {
    if (!user.admin) return { status: 403, body: { message: "Client must be authenticated as an administrator to access this resource.", "status-code": 403 } };
    return handler(req, user);
  });
}

function webhookOf(state: JiraState, id: string | undefined): JiraWebhook {
  const webhook = /^\d+$/.test(id ?? "") ? state.webhooks.get(Number(id)) : undefined;
  if (!webhook) fail(404, [`Webhook with id ${id} does not exist.`]);
  return webhook;
}

/** `POST/GET/PUT/DELETE /rest/webhooks/1.0/webhook[/{id}]` (§3.4). */
export function registerWebhookRoutes(server: SimServer, state: JiraState): void {
  const base = () => server.url;
  server.route("POST", "/rest/webhooks/1.0/webhook", adminOnly(state, (req, user) => {
    const webhook = addWebhook(state, validateWebhook(state, jsonBody(req)), user);
    return { status: 201, headers: { location: `${base()}/rest/webhooks/1.0/webhook/${webhook.id}` }, body: webhookJson(base(), state, webhook) };
  }));
  server.route("GET", "/rest/webhooks/1.0/webhook", adminOnly(state, () => ({ status: 200, body: [...state.webhooks.values()].map((w) => webhookJson(base(), state, w)) })));
  server.route("GET", "/rest/webhooks/1.0/webhook/:id", adminOnly(state, (req) => ({ status: 200, body: webhookJson(base(), state, webhookOf(state, req.params.id)) })));
  server.route("PUT", "/rest/webhooks/1.0/webhook/:id", adminOnly(state, (req, user) => {
    const webhook = webhookOf(state, req.params.id);
    Object.assign(webhook, validateWebhook(state, jsonBody(req), webhook), { lastUpdatedUserKey: user.key, lastUpdatedMs: state.clock.now() });
    return { status: 200, body: webhookJson(base(), state, webhook) };
  }));
  server.route("DELETE", "/rest/webhooks/1.0/webhook/:id", adminOnly(state, (req) => {
    const webhook = webhookOf(state, req.params.id);
    state.webhooks.delete(webhook.id);
    return { status: 204 };
  }));
  // The resource has no other methods on the collection.
  server.route("DELETE", "/rest/webhooks/1.0/webhook", adminOnly(state, () => jiraError(405, ["Method Not Allowed"])));
}
