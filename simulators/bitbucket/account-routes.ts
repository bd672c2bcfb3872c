import type { SimServer } from "../shared/sim-server.js";
import { bbError } from "./errors.js";
import { paginate } from "./pagination.js";
import { renderUser, renderWorkspace, type LinkBase } from "./render.js";
import { appRoute } from "./rest-context.js";
import { braced, type BitbucketState } from "./state.js";

/** Users by `{uuid}` or account id, workspaces and their members (the app's own workspace only). */
export function registerAccountRoutes(server: SimServer, state: BitbucketState, base: () => LinkBase): void {
  const now = () => server.clock.nowSeconds();

  server.route("GET", "/2.0/users/:selected_user", appRoute(state, base, now, undefined, (req, ctx) => {
    const ref = req.params.selected_user ?? "";
    // Usernames stopped resolving here with Bitbucket's privacy changes: only `{uuid}` or an account id.
    const user = ref.startsWith("{") ? state.users.get(braced(ref)) : [...state.users.values()].find((u) => u.accountId === ref);
    if (!user) return bbError(404, `${ref} not found`);
    return { status: 200, body: { ...renderUser(user, ctx.base), created_on: user.createdOn, is_staff: false, account_status: "active" } };
  }));

  const workspaceOf = (slug: string, installationWorkspace: string) => {
    const ws = state.workspaces.get(slug.toLowerCase());
    return ws && ws.slug === installationWorkspace ? ws : undefined;
  };

  server.route("GET", "/2.0/workspaces/:workspace", appRoute(state, base, now, "account", (req, ctx) => {
    const ws = workspaceOf(req.params.workspace ?? "", ctx.installation.workspace);
    if (!ws) return bbError(404, `No workspace with identifier '${req.params.workspace ?? ""}'.`);
    return { status: 200, body: renderWorkspace(ws, ctx.base) };
  }));

  server.route("GET", "/2.0/workspaces/:workspace/members", appRoute(state, base, now, "account", (req, ctx) => {
    const ws = workspaceOf(req.params.workspace ?? "", ctx.installation.workspace);
    if (!ws) return bbError(404, `No workspace with identifier '${req.params.workspace ?? ""}'.`);
    const members = [...ws.members].map((uuid) => state.users.get(uuid)).filter((u) => u !== undefined);
    return paginate(req, ctx.base.api, members, (user) => ({
      type: "workspace_membership",
      user: renderUser(user, ctx.base),
      workspace: { type: "workspace", uuid: ws.uuid, name: ws.name, slug: ws.slug },
      links: { self: { href: `${ctx.base.api}/2.0/workspaces/${ws.slug}/members/${encodeURIComponent(user.uuid)}` } },
    }));
  }));
}
