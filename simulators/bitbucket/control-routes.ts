import { ControlError, handle, required, str, type ControlBody } from "../shared/control-handler.js";
import type { SimRequest, SimServer } from "../shared/sim-server.js";
import { type BitbucketControl } from "./control.js";
import type { LifecycleSigning } from "./lifecycle.js";
import type { IssueFields } from "./issues.js";
import type { IssueState } from "./state.js";

const repoOf = (req: SimRequest) => `${req.params.workspace ?? ""}/${req.params.slug ?? ""}`;
const lifecycleOptions = (b: ControlBody) => ({
  signing: str(b.signing) as LifecycleSigning | undefined,
  claims: b.claims && typeof b.claims === "object" ? (b.claims as ControlBody) : undefined,
  unservedKey: b.unservedKey === true,
});

/** Mirrors the control handle under `/_sim/` for other processes (see README). */
export function registerBitbucketControlRoutes(server: SimServer, control: BitbucketControl): void {
  server.control("POST", "install", handle((b) => control.install({
    appUrl: str(b.appUrl),
    descriptorUrl: str(b.descriptorUrl),
    workspace: str(b.workspace),
    user: str(b.user),
    sharedSecret: str(b.sharedSecret),
    hideUsername: b.hideUsername === true,
    ...lifecycleOptions(b),
  })));
  server.control("POST", "uninstall", handle((b) => control.uninstall(str(b.clientKey), lifecycleOptions(b))));
  server.control("GET", "installations", handle(() => ({ installations: control.installations() })));
  server.control("POST", "install-keys/rotate", handle(() => ({ kid: control.rotateInstallKey() })));
  server.control("POST", "users", handle((b) => control.addUser({ nickname: required(b, "nickname"), displayName: str(b.displayName), email: str(b.email), uuid: str(b.uuid), accountId: str(b.accountId) })));
  server.control("POST", "workspaces", handle((b) => control.addWorkspace({
    slug: required(b, "slug"),
    name: str(b.name),
    kind: b.kind === "user" ? "user" : "team",
    owner: str(b.owner),
    members: Array.isArray(b.members) ? b.members.map(String) : undefined,
  })));
  server.control("POST", "workspaces/:workspace/members", handle((b, req) => control.addMember(req.params.workspace ?? "", required(b, "user"))));
  server.control("POST", "repositories", handle((b) => control.addRepository({
    workspace: required(b, "workspace"),
    slug: required(b, "slug"),
    name: str(b.name),
    description: str(b.description),
    isPrivate: typeof b.isPrivate === "boolean" ? b.isPrivate : undefined,
    hasIssues: typeof b.hasIssues === "boolean" ? b.hasIssues : undefined,
  })));
  server.control("POST", "issues", handle(async (b) => ({
    id: await control.createIssue(required(b, "repo"), {
      title: required(b, "title"),
      content: str(b.content),
      state: str(b.state) as IssueState | undefined,
      kind: str(b.kind) as IssueFields["kind"],
      priority: str(b.priority) as IssueFields["priority"],
      assignee: str(b.assignee) ?? null,
      reporter: str(b.reporter),
    }, { notify: b.notify !== false }),
  })));
  server.control("GET", "issues/:workspace/:slug/:id", handle((_b, req) => control.issue(repoOf(req), Number(req.params.id))));
  server.control("POST", "issues/:workspace/:slug/:id/assign", handle(async (b, req) => {
    if (!("user" in b)) throw new ControlError("user (nickname, {uuid} or e-mail; null to unassign) is required");
    return { deliveries: await control.assign(repoOf(req), Number(req.params.id), str(b.user) ?? null, { by: str(b.by) }) };
  }));
  server.control("POST", "issues/:workspace/:slug/:id/state", handle(async (b, req) => ({
    deliveries: await control.setState(repoOf(req), Number(req.params.id), required(b, "state") as IssueState, { by: str(b.by) }),
  })));
  server.control("POST", "issues/:workspace/:slug/:id/update", handle(async (b, req) => {
    const { by, ...fields } = b;
    return { deliveries: await control.updateIssue(repoOf(req), Number(req.params.id), fields as IssueFields, { by: str(by) }) };
  }));
  server.control("POST", "hooks", handle((b) => ({
    uuid: control.addHook(required(b, "repo"), {
      url: required(b, "url"),
      events: Array.isArray(b.events) ? b.events.map(String) : undefined,
      secret: str(b.secret),
      description: str(b.description),
      active: typeof b.active === "boolean" ? b.active : undefined,
    }),
  })));
  server.control("GET", "hooks/:workspace/:slug", handle((_b, req) => ({ hooks: control.hooks(repoOf(req)) })));
  server.control("POST", "webhook-target", handle((b) => control.setWebhookUrl(str(b.url), str(b.secret))));
  server.control("POST", "token-lifetime", handle((b) => control.setMaxTokenLifetime(Number(b.seconds))));
  server.control("POST", "scopes", handle((b) => control.setScopeEnforcement(b.enforce !== false)));
}
