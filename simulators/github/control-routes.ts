import type { SimRequest, SimResponse, SimServer } from "../shared/sim-server.js";
import { ControlError, type GithubControl, type RateLimitControl } from "./control.js";
import type { RateResource } from "./rate-limit.js";
import type { AccountType, Permissions } from "./state.js";

type Body = Record<string, unknown>;

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === "number" ? value : typeof value === "string" && /^\d+$/.test(value) ? Number(value) : undefined);
const strings = (value: unknown): string[] | undefined => (Array.isArray(value) ? value.map(String) : undefined);

/** Runs a control call; a ControlError (bad input, unknown object) becomes a 400 with its message. */
function handle(fn: (body: Body, req: SimRequest) => unknown): (req: SimRequest) => Promise<SimResponse> {
  return async (req) => {
    const body = req.json && typeof req.json === "object" && !Array.isArray(req.json) ? (req.json as Body) : {};
    try {
      const result = await fn(body, req);
      return { status: 200, body: result === undefined ? {} : result };
    } catch (error) {
      if (error instanceof ControlError) return { status: 400, body: { error: error.message } };
      throw error;
    }
  };
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined || value === "") throw new ControlError(`${name} is required`);
  return value;
}

/** `{repo, number}` from the body. */
const target = (b: Body): [string, number] => [required(str(b.repo), "repo"), required(num(b.number), "number")];
const actor = (b: Body) => ({ actor: str(b.actor) });
const deliveryIds = (records: Array<{ deliveryId: string } | undefined>) => ({ deliveries: records.filter(Boolean).map((r) => r!.deliveryId) });

/** Mirrors the control handle under `/_sim/` for other processes (see README). */
export function registerGithubControlRoutes(server: SimServer, control: GithubControl): void {
  server.control("GET", "app", handle(() => control.app));

  server.control("POST", "installations", handle(async (b) => ({
    id: await control.createInstallation({
      account: required(str(b.account), "account"),
      accountType: str(b.accountType) as "User" | "Organization" | undefined,
      accountId: num(b.accountId),
      permissions: b.permissions && typeof b.permissions === "object" ? (b.permissions as Permissions) : undefined,
      events: strings(b.events),
      repositorySelection: str(b.repositorySelection) as "all" | "selected" | undefined,
      repositories: strings(b.repositories),
      notify: b.notify === undefined ? undefined : Boolean(b.notify),
      sender: str(b.sender),
    }),
  })));
  server.control("GET", "installations/:id", handle((_b, req) => control.installation(Number(req.params.id))));
  server.control("DELETE", "installations/:id", handle((b, req) => control.deleteInstallation(Number(req.params.id), { notify: b.notify === undefined ? undefined : Boolean(b.notify) })));
  server.control("POST", "installations/:id/suspend", handle((_b, req) => control.suspendInstallation(Number(req.params.id), true)));
  server.control("POST", "installations/:id/unsuspend", handle((_b, req) => control.suspendInstallation(Number(req.params.id), false)));
  server.control("POST", "installations/:id/revoke-tokens", handle((_b, req) => ({ revoked: control.revokeTokens(Number(req.params.id)) })));
  server.control("POST", "installations/:id/tokens", handle((b, req) => ({
    token: control.mintToken(Number(req.params.id), { permissions: b.permissions as Permissions | undefined, repositories: strings(b.repositories) }),
  })));
  server.control("POST", "revoke-tokens", handle((b) => ({ revoked: control.revokeTokens(num(b.installationId)) })));

  server.control("POST", "repositories", handle((b) => ({
    id: control.addRepository(required(num(b.installationId), "installationId"), required(str(b.fullName) ?? str(b.repo), "fullName"), { private: b.private === undefined ? undefined : Boolean(b.private) }),
  })));
  server.control("POST", "users", handle((b) => ({
    id: control.addUser({ login: required(str(b.login), "login"), id: num(b.id), assignable: b.assignable === undefined ? undefined : Boolean(b.assignable), type: str(b.type) as AccountType | undefined }),
  })));

  server.control("POST", "issues", handle((b) => ({
    number: control.createIssue(required(str(b.repo), "repo"), {
      title: str(b.title) ?? "Issue",
      body: str(b.body),
      assignees: strings(b.assignees),
      labels: strings(b.labels),
      author: str(b.author),
      notify: Boolean(b.notify),
    }),
  })));
  server.control("GET", "issues/:owner/:repo/:number", handle((_b, req) => control.issueJson(`${req.params.owner}/${req.params.repo}`, Number(req.params.number))));
  server.control("POST", "issues/assign", handle(async (b) => deliveryIds(await control.assign(...target(b), required(strings(b.assignees), "assignees"), actor(b)))));
  server.control("POST", "issues/add-assignees", handle(async (b) => deliveryIds(await control.addAssignees(...target(b), required(strings(b.assignees), "assignees"), actor(b)))));
  server.control("POST", "issues/unassign", handle(async (b) => deliveryIds(await control.unassign(...target(b), strings(b.assignees), actor(b)))));
  server.control("POST", "issues/close", handle(async (b) => deliveryIds(await control.close(...target(b), { ...actor(b), reason: str(b.reason) as "completed" | "not_planned" | undefined }))));
  server.control("POST", "issues/reopen", handle(async (b) => deliveryIds(await control.reopen(...target(b), actor(b)))));
  server.control("POST", "issues/edit", handle(async (b) => deliveryIds(await control.editIssue(...target(b), { title: str(b.title), body: str(b.body) }, actor(b)))));

  server.control("POST", "webhook-target", handle((b) => control.setWebhookUrl(str(b.url))));
  server.control("POST", "webhook-secret", handle((b) => control.setWebhookSecret(required(str(b.secret), "secret"))));
  server.control("POST", "webhook-content-type", handle((b) => control.setWebhookContentType(str(b.contentType) === "form" ? "form" : "json")));
  server.control("POST", "deliveries-enabled", handle((b) => control.setDeliveries(Boolean(b.enabled))));
  server.control("GET", "webhook-deliveries", handle(() => ({ deliveries: control.deliveries().map(({ payload: _payload, ...rest }) => rest) })));
  server.control("POST", "deliver", handle(async (b) => {
    const payload = b.payload && typeof b.payload === "object" ? (b.payload as Body) : undefined;
    return deliveryIds([await control.deliver(required(str(b.event), "event"), required(payload, "payload"), str(b.deliveryId))]);
  }));
  server.control("POST", "redeliver", handle(async (b) => deliveryIds([await control.redeliver(required(str(b.deliveryId), "deliveryId"))])));
  server.control("POST", "ping", handle(async () => deliveryIds([await control.ping()])));
  server.control("POST", "push", handle(async (b) => deliveryIds([await control.push(required(str(b.repo), "repo"), { ref: str(b.ref), messages: strings(b.messages), pusher: str(b.pusher), before: str(b.before), after: str(b.after) })])));
  server.control("POST", "pull-request", handle(async (b) => deliveryIds([await control.pullRequest(required(str(b.repo), "repo"), {
    action: str(b.action),
    number: num(b.number),
    title: str(b.title),
    body: str(b.body),
    merged: b.merged === undefined ? undefined : Boolean(b.merged),
    head: str(b.head),
    base: str(b.base),
    author: str(b.author),
  })])));

  server.control("POST", "token-lifetime", handle((b) => control.setTokenLifetime(required(num(b.seconds), "seconds"))));
  server.control("POST", "token-format", handle((b) => control.setTokenFormat(str(b.format) === "stateless" ? "stateless" : "classic")));
  server.control("POST", "token-replication-delay", handle((b) => control.setTokenReplicationDelay(required(num(b.seconds), "seconds"))));
  server.control("POST", "rate-limit", handle((b) => {
    const limit = num(b.limit);
    const setting: RateLimitControl =
      limit === undefined
        ? undefined
        : { limit, remaining: num(b.remaining), installationId: num(b.installationId), resource: str(b.resource) as RateResource | undefined, status: num(b.status) as 403 | 429 | undefined };
    control.setRateLimit(setting);
  }));
  server.control("POST", "secondary-rate-limit", handle((b) => {
    if (b.clear) return control.clearSecondaryRateLimit();
    control.triggerSecondaryRateLimit({ retryAfterSeconds: num(b.retryAfterSeconds), status: num(b.status) as 403 | 429 | undefined, installationId: num(b.installationId) });
  }));
}
