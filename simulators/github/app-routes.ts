import type { SimRequest, SimResponse } from "../shared/sim-server.js";
import { eventContext, nowSeconds, type GithubContext } from "./context.js";
import { DOCS, githubError, notFound, problemsParsingJson } from "./errors.js";
import { installationEvent } from "./events.js";
import { paginate } from "./pagination.js";
import { appJson, installationJson, repoJson } from "./payloads.js";
import { withAppJwt } from "./request-auth.js";
import { isoSeconds, type GithubInstallation, type GithubRepo, type Permissions } from "./state.js";
import { isSubset, mintToken, revokeTokens } from "./tokens.js";

const NO_ACCESS = "There is at least one repository that does not exist or is not accessible to the parent installation.";

function installationOf(ctx: GithubContext, req: SimRequest): GithubInstallation | undefined {
  const raw = req.params.id ?? "";
  return /^\d+$/.test(raw) ? ctx.state.installations.get(Number(raw)) : undefined;
}

/** What a token request may narrow: repositories by name or id, and permissions (§1.2). */
function parseTokenRequest(ctx: GithubContext, req: SimRequest, inst: GithubInstallation): SimResponse | { permissions: Permissions; repos: GithubRepo[] | undefined } {
  if (req.rawBody.length > 0 && req.json === undefined) return problemsParsingJson(DOCS.createToken);
  const body = (req.json ?? {}) as { repositories?: unknown; repository_ids?: unknown; permissions?: unknown };
  const available = ctx.state.reposOf(inst.id);
  let repos: GithubRepo[] | undefined;
  if (body.repositories !== undefined || body.repository_ids !== undefined) {
    const names = Array.isArray(body.repositories) ? body.repositories : [];
    const ids = Array.isArray(body.repository_ids) ? body.repository_ids : [];
    if (names.length > 500) return githubError(422, "Too many repositories: at most 500 may be listed.", DOCS.createToken);
    const byName = names.map((n) => available.find((r) => typeof n === "string" && r.name.toLowerCase() === n.toLowerCase()));
    const byId = ids.map((id) => available.find((r) => r.id === id));
    if ([...byName, ...byId].some((r) => r === undefined)) return githubError(422, NO_ACCESS, DOCS.createToken);
    repos = [...new Set([...byName, ...byId] as GithubRepo[])];
  }
  let permissions = { ...inst.permissions };
  if (body.permissions !== undefined) {
    const requested = body.permissions && typeof body.permissions === "object" ? (body.permissions as Permissions) : {};
    if (!isSubset(requested, inst.permissions)) return githubError(422, "The permissions requested are not granted to this installation.", DOCS.createToken);
    permissions = { ...requested };
  }
  return { permissions, repos };
}

/** The routes authenticated with the app JWT (§1.1-§1.3). */
export function registerAppRoutes(ctx: GithubContext): void {
  const { server, state } = ctx;
  const base = () => server.url;

  server.route("GET", "/app", withAppJwt(ctx, () => ({ status: 200, body: appJson(base(), state) })));

  server.route("GET", "/app/installations", withAppJwt(ctx, (req) => {
    const all = [...state.installations.values()].sort((a, b) => a.id - b.id).map((i) => installationJson(base(), i, state));
    const page = paginate(req, base(), all);
    return { status: 200, headers: page.headers, body: page.items };
  }));

  server.route("GET", "/app/installations/:id", withAppJwt(ctx, (req) => {
    const inst = installationOf(ctx, req);
    return inst ? { status: 200, body: installationJson(base(), inst, state) } : notFound(DOCS.getInstallation);
  }));

  server.route("DELETE", "/app/installations/:id", withAppJwt(ctx, async (req) => {
    const inst = installationOf(ctx, req);
    if (!inst) return notFound(DOCS.getInstallation);
    const payload = installationEvent(eventContext(ctx), "deleted", inst, inst.account);
    state.installations.delete(inst.id);
    revokeTokens(state, inst.id);
    void ctx.deliveries.deliver("installation", payload);
    return { status: 204 };
  }));

  const suspend = (suspended: boolean) => withAppJwt(ctx, (req) => {
    const inst = installationOf(ctx, req);
    if (!inst) return notFound(DOCS.getInstallation);
    if (Boolean(inst.suspended_at) === suspended) return { status: 204 };
    inst.suspended_at = suspended ? isoSeconds(nowSeconds(ctx)) : null;
    inst.suspended_by = suspended ? state.botLogin : null;
    inst.updated_at = isoSeconds(nowSeconds(ctx));
    void ctx.deliveries.deliver("installation", installationEvent(eventContext(ctx), suspended ? "suspend" : "unsuspend", inst, inst.account));
    return { status: 204 };
  });
  server.route("PUT", "/app/installations/:id/suspended", suspend(true));
  server.route("DELETE", "/app/installations/:id/suspended", suspend(false));

  server.route("POST", "/app/installations/:id/access_tokens", withAppJwt(ctx, (req) => {
    const inst = installationOf(ctx, req);
    if (!inst) return notFound(DOCS.createToken);
    if (inst.suspended_at) return githubError(403, "This installation has been suspended", DOCS.createToken);
    const parsed = parseTokenRequest(ctx, req, inst);
    if ("status" in parsed) return parsed;
    const record = mintToken(state, inst.id, nowSeconds(ctx), parsed.permissions, parsed.repos ? new Set(parsed.repos.map((r) => r.id)) : undefined);
    return {
      status: 201,
      body: {
        token: record.token,
        expires_at: isoSeconds(record.expiresAt),
        permissions: record.permissions,
        repository_selection: parsed.repos ? "selected" : inst.repositorySelection,
        ...(parsed.repos ? { repositories: parsed.repos.map((r) => repoJson(base(), r, state)) } : {}),
      },
    };
  }));

  // Finding the installation for an account or repository (also app-JWT routes, §1.1).
  const installationFor = (find: (req: SimRequest) => GithubInstallation | undefined) =>
    withAppJwt(ctx, (req) => {
      const inst = find(req);
      return inst ? { status: 200, body: installationJson(base(), inst, state) } : notFound(DOCS.getInstallation);
    });
  const byAccount = (login: string | undefined) => [...state.installations.values()].find((i) => i.account.toLowerCase() === (login ?? "").toLowerCase());
  server.route("GET", "/repos/:owner/:repo/installation", installationFor((req) => {
    const repo = state.findRepo(req.params.owner ?? "", req.params.repo ?? "");
    return repo ? state.installations.get(repo.installationId) : undefined;
  }));
  server.route("GET", "/orgs/:org/installation", installationFor((req) => byAccount(req.params.org)));
  server.route("GET", "/users/:username/installation", installationFor((req) => byAccount(req.params.username)));
}
