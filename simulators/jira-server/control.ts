import type { SimServer } from "../shared/sim-server.js";
import type { Delivery } from "../shared/webhook-sender.js";
import type { ConsumerRegistration } from "./consumers.js";
import type { JiraDeliveries } from "./deliver-webhook.js";
import { JiraRestError } from "./errors.js";
import { assignableUser, assignIssue, commentOnIssue, createIssue, issueTransitions, issueTypeOf, transitionIssue, type IssueEvent } from "./issue-changes.js";
import { issueJson } from "./issue-json.js";
import { fullUserJson } from "./json-views.js";
import { addProject, addUser, type NewProject, type NewUser } from "./seed.js";
import type { JiraIssue, JiraState, JiraUser } from "./state.js";
import { addWebhook, validateWebhook, webhookJson } from "./webhook-routes.js";
import { ControlError } from "../shared/control-handler.js";

/** Failures of control calls (bad arguments, unknown objects); the HTTP control routes answer them with 400. */
export { ControlError };

/** Who makes a control-side change: a username (default: the first active administrator). */
export interface ChangeOptions {
  by?: string | undefined;
}

/** What tests and `/_sim/` can do to the Jira Server simulator. */
export function createJiraControl(server: SimServer, state: JiraState, deliveries: JiraDeliveries) {
  const guard = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      if (error instanceof JiraRestError) throw new ControlError(error.message);
      if (error instanceof ControlError) throw error;
      if (error instanceof Error) throw new ControlError(error.message);
      throw error;
    }
  };
  const userOf = (name: string): JiraUser => {
    const user = state.userByName(name);
    if (!user) throw new ControlError(`unknown user ${name}`);
    return user;
  };
  const actor = (options: ChangeOptions = {}): JiraUser => {
    if (options.by) return userOf(options.by);
    const admin = [...state.users.values()].find((u) => u.admin && u.active);
    if (!admin) throw new ControlError("no active administrator to make the change; pass `by`");
    return admin;
  };
  const issueOf = (key: string): JiraIssue => {
    const issue = state.issue(key);
    if (!issue) throw new ControlError(`unknown issue ${key}`);
    return issue;
  };
  const deliver = (event: IssueEvent | undefined): Promise<Delivery[]> => (event ? deliveries.notify(event) : Promise.resolve([]));

  const control = {
    /** Creates (or replaces) an Application Link consumer with its RSA public key (§3.1). */
    registerConsumer(input: ConsumerRegistration): { consumerKey: string } {
      return guard(() => ({ consumerKey: state.consumers.register(input).key }));
    },
    /** Deletes a consumer and every token issued to it; false when unknown. */
    removeConsumer(consumerKey: string): boolean {
      state.tokens.removeConsumer(consumerKey);
      return state.consumers.remove(consumerKey);
    },
    consumers(): Array<{ consumerKey: string; name: string; callbackUrl: string | null; publicKeyPem: string }> {
      return state.consumers.list().map((c) => ({ consumerKey: c.key, name: c.name, callbackUrl: c.callbackUrl ?? null, publicKeyPem: c.publicKeyPem }));
    },
    /** How far `oauth_timestamp` may be from the simulator's clock, either way (default 300 s). */
    setTimestampWindow(seconds: number): void {
      if (!Number.isFinite(seconds) || seconds < 0) throw new ControlError("seconds must be a number >= 0");
      state.timestampWindowSeconds = seconds;
    },
    setRequestTokenLifetime(seconds: number): void {
      if (!Number.isFinite(seconds) || seconds <= 0) throw new ControlError("seconds must be a number > 0");
      state.tokens.requestTokenSeconds = seconds;
    },
    /** Lifetime of access tokens issued from now on (`oauth_expires_in`; Jira's default is 5 years). */
    setAccessTokenLifetime(seconds: number): void {
      if (!Number.isFinite(seconds) || seconds <= 0) throw new ControlError("seconds must be a number > 0");
      state.tokens.accessTokenSeconds = seconds;
    },
    /** Who is logged in at the authorize page (null: nobody, the page redirects to the login page). */
    setAuthorizingUser(username: string | null): void {
      if (username !== null) userOf(username);
      state.authorizingUser = username ?? undefined;
    },
    setConsent(decision: "approve" | "deny"): void {
      if (decision !== "approve" && decision !== "deny") throw new ControlError("decision must be approve or deny");
      state.consent = decision;
    },
    /** Issues an access token without the dance (default: the only consumer, the authorizing user). */
    issueAccessToken(input: { consumerKey?: string | undefined; username?: string | undefined } = {}): { token: string; tokenSecret: string; consumerKey: string; username: string; expiresAt: string } {
      const consumers = state.consumers.list();
      const consumerKey = input.consumerKey ?? (consumers.length === 1 ? consumers[0]?.key : undefined);
      if (!consumerKey || !state.consumers.get(consumerKey)) throw new ControlError(input.consumerKey ? `unknown consumer ${input.consumerKey}` : "consumerKey is required when there is not exactly one consumer");
      const user = userOf(input.username ?? state.authorizingUser ?? "");
      const token = state.tokens.issueAccessToken(consumerKey, user.name, state.clock.now());
      return { token: token.token, tokenSecret: token.secret, consumerKey, username: user.name, expiresAt: new Date(token.expiresAtMs).toISOString() };
    },
    /** Revokes an access token (as a user does under "Profile > Tools > View OAuth Access Tokens"); false when unknown. */
    revokeAccessToken(token: string): boolean {
      const found = state.tokens.get(token);
      if (!found || found.kind !== "access") return false;
      return state.tokens.remove(token);
    },
    /** Adds a user; `emailAddress: null` makes one without a visible e-mail address. */
    addUser(input: NewUser): Record<string, unknown> {
      return guard(() => fullUserJson(server.url, addUser(state, input)));
    },
    setUserActive(name: string, active: boolean): void {
      userOf(name).active = active;
    },
    /** Changes (or with null hides) a user's e-mail address. */
    setUserEmail(name: string, emailAddress: string | null): void {
      userOf(name).emailAddress = emailAddress ?? undefined;
    },
    addProject(input: NewProject): { id: string; key: string; name: string } {
      return guard(() => {
        const p = addProject(state, input);
        return { id: p.id, key: p.key, name: p.name };
      });
    },
    /** Creates an issue as a person would in the UI; webhooks for `jira:issue_created` are called. */
    async createIssue(input: { project: string; summary: string; description?: string | undefined; issueType?: string | undefined; assignee?: string | undefined; reporter?: string | undefined; by?: string | undefined }): Promise<{ id: string; key: string; deliveries: Delivery[] }> {
      const event = guard(() => {
        const project = state.project(input.project);
        if (!project) throw new ControlError(`unknown project ${input.project}`);
        const issueTypeId = issueTypeOf({ name: input.issueType ?? "Bug" });
        if (!issueTypeId) throw new ControlError(`unknown issue type ${input.issueType ?? ""}`);
        if (!input.summary) throw new ControlError("summary is required");
        const by = actor(input);
        return createIssue(
          state,
          {
            project,
            issueTypeId,
            summary: input.summary,
            description: input.description ?? null,
            assignee: input.assignee ? assignableUser(state, input.assignee) : null,
            reporter: input.reporter ? userOf(input.reporter) : by,
          },
          by,
        );
      });
      return { id: event.issue.id, key: event.issue.key, deliveries: await deliver(event) };
    },
    /** The issue as `GET /rest/api/2/issue/{key}?expand=changelog` shows it. */
    issue(key: string): Record<string, unknown> {
      return issueJson(server.url, state, issueOf(key), { expand: "changelog" });
    },
    /** Assigns (username) or unassigns (null) as a person would; resolves with the deliveries made. */
    assign(key: string, username: string | null, options: ChangeOptions = {}): Promise<Delivery[]> {
      const event = guard(() => assignIssue(state, issueOf(key), username === null ? null : assignableUser(state, username), actor(options)));
      return deliver(event);
    },
    /**
     * Moves the issue to the named status through the workflow transition leading there from its
     * current status; nothing happens when it is already there.
     */
    transition(key: string, statusName: string, options: ChangeOptions = {}): Promise<Delivery[]> {
      const event = guard(() => {
        const issue = issueOf(key);
        const target = state.statusByNameOrId(statusName);
        if (!target) throw new ControlError(`unknown status ${statusName}`);
        if (target.id === issue.statusId) return undefined;
        const transitions = issueTransitions(state, issue);
        const transition = transitions.find((t) => t.to === target.id);
        if (!transition) {
          const offered = transitions.map((t) => state.status(t.to)?.name).join(", ");
          throw new ControlError(`no transition from ${state.status(issue.statusId)?.name ?? issue.statusId} to ${target.name} (offered: ${offered || "none"})`);
        }
        return transitionIssue(state, issue, transition, actor(options));
      });
      return deliver(event);
    },
    /** Adds a comment (a `jira:issue_updated` delivery without changelog). */
    comment(key: string, body: string, options: ChangeOptions = {}): Promise<Delivery[]> {
      if (!body) throw new ControlError("body is required");
      return deliver(guard(() => commentOnIssue(state, issueOf(key), body, actor(options))));
    },
    /** Registers a webhook as an administrator would (the body of §3.4), without going through OAuth. */
    registerWebhook(input: { url: string; name?: string | undefined; events?: string[] | undefined; jql?: string | undefined; excludeBody?: boolean | undefined; by?: string | undefined }): Record<string, unknown> {
      return guard(() => {
        const body = { name: input.name ?? "Webhook", url: input.url, events: input.events ?? ["jira:issue_created", "jira:issue_updated"], filters: { "issue-related-events-section": input.jql ?? "" }, excludeBody: input.excludeBody ?? false };
        return webhookJson(server.url, state, addWebhook(state, validateWebhook(state, body), actor(input)));
      });
    },
    webhooks(): Array<Record<string, unknown>> {
      return [...state.webhooks.values()].map((w) => webhookJson(server.url, state, w));
    },
    removeWebhook(id: number): boolean {
      return state.webhooks.delete(id);
    },
    /** Enables or disables a registered webhook (the admin page's toggle). */
    setWebhookEnabled(id: number, enabled: boolean): void {
      const webhook = state.webhooks.get(id);
      if (!webhook) throw new ControlError(`unknown webhook ${id}`);
      webhook.enabled = enabled;
    },
    /** An extra receiver of every delivery besides the registered webhooks (undefined: none). */
    setWebhookTarget(url: string | undefined): void {
      if (url !== undefined) {
        try {
          new URL(url);
        } catch {
          throw new ControlError(`invalid url ${url}`);
        }
      }
      state.webhookTarget = url;
    },
    holdDeliveries(): void {
      deliveries.hold();
    },
    releaseDeliveries(order: "fifo" | "reverse" = "fifo"): Promise<Delivery[]> {
      return deliveries.release(order);
    },
    heldDeliveries(): number {
      return deliveries.heldCount();
    },
    redeliver(index = -1): Promise<Delivery | undefined> {
      return deliveries.redeliver(index).catch((error: Error) => {
        throw new ControlError(error.message);
      });
    },
    /** Resolves once every delivery started so far (REST changes deliver in the background) was answered. */
    deliveriesSettled(): Promise<void> {
      return deliveries.settled();
    },
  };
  return control;
}

export type JiraServerControl = ReturnType<typeof createJiraControl>;
