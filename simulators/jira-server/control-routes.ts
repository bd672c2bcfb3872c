import { ControlError, handle, required, str, type ControlBody } from "../shared/control-handler.js";
import type { SimServer } from "../shared/sim-server.js";
import { type JiraServerControl } from "./control.js";
import { isWorkflowTemplate } from "./workflows.js";

function seconds(body: ControlBody): number {
  if (typeof body.seconds !== "number") throw new ControlError("seconds (a number) is required");
  return body.seconds;
}

/** Mirrors the control handle under `/_sim/` for other processes (see README). */
export function registerJiraControlRoutes(server: SimServer, control: JiraServerControl): void {
  server.control("POST", "consumers", handle((b) => control.registerConsumer({ consumerKey: required(b, "consumerKey"), publicKeyPem: required(b, "publicKeyPem"), name: str(b.name), callbackUrl: str(b.callbackUrl) })));
  server.control("GET", "consumers", handle(() => ({ consumers: control.consumers() })));
  server.control("DELETE", "consumers/:key", handle((_b, req) => ({ removed: control.removeConsumer(req.params.key ?? "") })));
  server.control("POST", "timestamp-window", handle((b) => control.setTimestampWindow(seconds(b))));
  server.control("POST", "request-token-lifetime", handle((b) => control.setRequestTokenLifetime(seconds(b))));
  server.control("POST", "token-lifetime", handle((b) => control.setAccessTokenLifetime(seconds(b))));
  server.control("POST", "authorizing-user", handle((b) => control.setAuthorizingUser(b.username === null ? null : required(b, "username"))));
  server.control("POST", "consent", handle((b) => control.setConsent(b.decision === "deny" ? "deny" : b.decision === "approve" ? "approve" : (required(b, "decision") as "approve"))));
  server.control("POST", "access-tokens", handle((b) => control.issueAccessToken({ consumerKey: str(b.consumerKey), username: str(b.username) })));
  server.control("POST", "revoke-access-token", handle((b) => ({ revoked: control.revokeAccessToken(required(b, "token")) })));
  server.control("POST", "users", handle((b) =>
    control.addUser({
      name: required(b, "name"),
      displayName: str(b.displayName),
      emailAddress: b.emailAddress === null ? null : str(b.emailAddress),
      key: str(b.key),
      active: typeof b.active === "boolean" ? b.active : undefined,
      admin: typeof b.admin === "boolean" ? b.admin : undefined,
      timeZone: str(b.timeZone),
    }),
  ));
  server.control("POST", "users/:name/active", handle((b, req) => {
    if (typeof b.active !== "boolean") throw new ControlError("active (a boolean) is required");
    control.setUserActive(req.params.name ?? "", b.active);
  }));
  server.control("POST", "users/:name/email", handle((b, req) => {
    if (!("emailAddress" in b)) throw new ControlError("emailAddress (or null to hide it) is required");
    control.setUserEmail(req.params.name ?? "", str(b.emailAddress) ?? null);
  }));
  server.control("POST", "projects", handle((b) => {
    if (b.workflow !== undefined && !isWorkflowTemplate(b.workflow)) throw new ControlError("workflow must be simplified or classic");
    return control.addProject({ key: required(b, "key"), name: str(b.name), description: str(b.description), lead: str(b.lead), workflow: isWorkflowTemplate(b.workflow) ? b.workflow : undefined });
  }));
  server.control("POST", "issues", handle((b) =>
    control.createIssue({ project: required(b, "project"), summary: required(b, "summary"), description: str(b.description), issueType: str(b.issueType), assignee: str(b.assignee), reporter: str(b.reporter), by: str(b.by) }),
  ));
  server.control("GET", "issues/:key", handle((_b, req) => control.issue(req.params.key ?? "")));
  server.control("POST", "issues/:key/assign", handle(async (b, req) => {
    if (!("username" in b)) throw new ControlError("username (or null to unassign) is required");
    return { deliveries: await control.assign(req.params.key ?? "", str(b.username) ?? null, { by: str(b.by) }) };
  }));
  server.control("POST", "issues/:key/transition", handle(async (b, req) => ({ deliveries: await control.transition(req.params.key ?? "", required(b, "status"), { by: str(b.by) }) })));
  server.control("POST", "issues/:key/comment", handle(async (b, req) => ({ deliveries: await control.comment(req.params.key ?? "", required(b, "body"), { by: str(b.by) }) })));
  server.control("POST", "webhooks", handle((b) =>
    control.registerWebhook({ url: required(b, "url"), name: str(b.name), events: Array.isArray(b.events) ? b.events.map(String) : undefined, jql: str(b.jql), excludeBody: typeof b.excludeBody === "boolean" ? b.excludeBody : undefined, by: str(b.by) }),
  ));
  server.control("GET", "webhooks", handle(() => ({ webhooks: control.webhooks() })));
  server.control("DELETE", "webhooks/:id", handle((_b, req) => ({ removed: control.removeWebhook(Number(req.params.id)) })));
  server.control("POST", "webhooks/:id/enabled", handle((b, req) => {
    if (typeof b.enabled !== "boolean") throw new ControlError("enabled (a boolean) is required");
    control.setWebhookEnabled(Number(req.params.id), b.enabled);
  }));
  server.control("POST", "webhook-target", handle((b) => control.setWebhookTarget(str(b.url))));
  server.control("POST", "deliveries/hold", handle(() => control.holdDeliveries()));
  server.control("POST", "deliveries/release", handle(async (b) => ({ deliveries: await control.releaseDeliveries(b.order === "reverse" ? "reverse" : "fifo") })));
  server.control("POST", "deliveries/redeliver", handle(async (b) => ({ delivery: await control.redeliver(typeof b.index === "number" ? b.index : -1) })));
}
