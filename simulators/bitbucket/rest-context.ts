import type { SimHandler, SimRequest, SimResponse } from "../shared/sim-server.js";
import { bbError } from "./errors.js";
import type { LinkBase } from "./render.js";
import { authenticateApp, hasScope, scopeError } from "./rest-auth.js";
import type { BbRepository, BitbucketState, Installation } from "./state.js";

/** What an authenticated API handler gets: the calling installation and where links point. */
export interface ApiContext {
  installation: Installation;
  base: LinkBase;
}

/** Wraps an API handler: the app's JWT (§4.4) must verify and its installation must hold `scope`. */
export function appRoute(state: BitbucketState, base: () => LinkBase, nowSeconds: () => number, scope: string | undefined, handler: (req: SimRequest, ctx: ApiContext) => SimResponse | Promise<SimResponse>): SimHandler {
  return (req) => {
    const auth = authenticateApp(req, state, nowSeconds());
    if (!auth.ok) return auth.response;
    if (scope && state.enforceScopes && !hasScope(auth.installation, scope)) return scopeError(auth.installation, scope);
    return handler(req, { installation: auth.installation, base: base() });
  };
}

/** The repository named by `:workspace/:repo_slug` if the installation's workspace owns it. */
export function findRepo(req: SimRequest, state: BitbucketState, installation: Installation): { repo: BbRepository } | { error: SimResponse } {
  const workspace = req.params.workspace ?? "";
  const slug = req.params.repo_slug ?? "";
  const repo = state.repo(workspace, slug);
  // Repositories outside the app's workspace are private to it: Bitbucket does not reveal them.
  if (!repo || repo.workspace !== installation.workspace) return { error: bbError(404, `Repository ${workspace}/${slug} not found`) };
  return { repo };
}

/** The app's own account, the actor of what it changes through the API. */
export function appActor(installation: Installation, base: LinkBase): Record<string, unknown> {
  return {
    type: "app_user",
    uuid: installation.appUserUuid,
    account_id: `${installation.appKey}:${installation.appUserUuid.slice(1, 9)}`,
    display_name: installation.appKey,
    links: { avatar: { href: `${base.web}/account/${encodeURIComponent(installation.appUserUuid)}/avatar/32/` } },
  };
}
