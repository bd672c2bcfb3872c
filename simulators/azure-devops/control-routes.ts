import { ControlError, handle, required, str, type ControlBody } from "../shared/control-handler.js";
import type { SimServer } from "../shared/sim-server.js";
import type { AzureDevopsControl, TokenFlow } from "./control.js";
import type { ProcessName, WorkItemState } from "./process-templates.js";
import type { HookSubscription } from "./state.js";

function changeOptions(body: ControlBody) {
  return { org: str(body.org), by: str(body.by) };
}

/** Mirrors the control handle under `/_sim/` for other processes (see README). */
export function registerAzureControlRoutes(server: SimServer, control: AzureDevopsControl): void {
  server.control("POST", "users", handle((b) => control.addUser(required(b, "email"), str(b.displayName))));
  server.control("POST", "organizations", handle((b) => control.addOrganization(required(b, "name"), Array.isArray(b.members) ? b.members.map(String) : [])));
  server.control("POST", "organizations/:org/members", handle((b, req) => control.addMember(req.params.org ?? "", required(b, "email"))));
  server.control("POST", "projects", handle((b) => control.addProject(required(b, "org"), required(b, "name"), { process: str(b.process) as ProcessName | undefined, description: str(b.description) })));
  server.control("POST", "work-item-type-states", handle((b) => {
    if (!Array.isArray(b.states)) throw new ControlError("states (array of {name, color, category}) is required");
    control.setWorkItemTypeStates(required(b, "org"), required(b, "project"), required(b, "type"), b.states as WorkItemState[]);
  }));
  server.control("POST", "workitems", handle(async (b) => ({
    id: await control.createWorkItem({
      org: required(b, "org"),
      project: required(b, "project"),
      type: str(b.type),
      title: required(b, "title"),
      assignedTo: str(b.assignedTo),
      state: str(b.state),
      fields: b.fields && typeof b.fields === "object" ? (b.fields as ControlBody) : undefined,
      by: str(b.by),
    }),
  })));
  server.control("GET", "workitems/:id", handle((_b, req) => control.workItem(Number(req.params.id), req.url.searchParams.get("org") ?? undefined)));
  server.control("POST", "workitems/:id/assign", handle(async (b, req) => {
    if (!("email" in b)) throw new ControlError("email (or null to unassign) is required");
    return { deliveries: await control.assignWorkItem(Number(req.params.id), str(b.email) ?? null, changeOptions(b)) };
  }));
  server.control("POST", "workitems/:id/state", handle(async (b, req) => ({ deliveries: await control.setState(Number(req.params.id), required(b, "state"), changeOptions(b)) })));
  server.control("POST", "workitems/:id/fields", handle(async (b, req) => {
    if (!b.fields || typeof b.fields !== "object") throw new ControlError("fields is required");
    return { deliveries: await control.updateWorkItem(Number(req.params.id), b.fields as ControlBody, changeOptions(b)) };
  }));
  server.control("POST", "subscriptions", handle((b) => ({
    id: control.createSubscription({
      org: required(b, "org"),
      url: required(b, "url"),
      sharedSecret: str(b.sharedSecret),
      httpHeaders: str(b.httpHeaders),
      eventType: str(b.eventType),
      projectId: str(b.projectId),
      resourceVersion: str(b.resourceVersion),
      by: str(b.by),
    }),
  })));
  server.control("GET", "subscriptions", handle((_b, req) => ({ subscriptions: control.subscriptions(req.url.searchParams.get("org") ?? "") })));
  server.control("POST", "subscriptions/:id/status", handle((b, req) => control.setSubscriptionStatus(req.params.id ?? "", required(b, "status") as HookSubscription["status"])));
  server.control("POST", "webhook-target", handle((b) => control.setWebhookUrl(str(b.url))));
  server.control("POST", "deliveries/hold", handle(() => control.holdDeliveries()));
  server.control("POST", "deliveries/release", handle(async (b) => ({ deliveries: await control.releaseDeliveries(b.order === "reverse" ? "reverse" : "fifo") })));
  server.control("POST", "deliveries/redeliver", handle(async (b) => ({ delivery: await control.redeliver(typeof b.index === "number" ? b.index : -1) })));
  server.control("GET", "notifications", handle(() => ({ notifications: control.notifications() })));
  server.control("POST", "token-lifetime", handle((b) => control.setTokenLifetime(Number(b.seconds))));
  server.control("POST", "refresh-token-lifetime", handle((b) => control.setRefreshTokenLifetime(Number(b.seconds))));
  server.control("POST", "token-delay", handle((b) => control.setTokenEndpointDelay(Number(b.ms ?? 0))));
  server.control("POST", "authorizing-user", handle((b) => control.setAuthorizingUser(required(b, "email"))));
  server.control("POST", "consent", handle((b) => control.setConsent(b.decision === "deny" ? "deny" : "approve")));
  server.control("POST", "tokens", handle((b) => control.issueTokens({ flow: str(b.flow) as TokenFlow | undefined, email: str(b.email), scopes: Array.isArray(b.scopes) ? b.scopes.map(String) : undefined })));
  server.control("POST", "authorization-codes", handle((b) => ({ code: control.authorizationCode({ flow: str(b.flow) as TokenFlow | undefined, email: str(b.email), scopes: Array.isArray(b.scopes) ? b.scopes.map(String) : undefined }) })));
  server.control("POST", "revoke-refresh-token", handle((b) => ({ revoked: control.revokeRefreshToken(required(b, "token")) })));
  server.control("POST", "revoke-user", handle((b) => ({ revoked: control.revokeUserAuthorizations(required(b, "email")) })));
  server.control("POST", "regenerate-secret", handle((b) => ({ clientSecret: control.regenerateClientSecret(b.app === "limited" ? "limited" : "full") })));
  server.control("GET", "token-stats", handle(() => control.tokenStats()));
  server.control("POST", "token-stats/reset", handle(() => control.resetTokenStats()));
}
