import type { SimRequest } from "../shared/sim-server.js";
import { nowSeconds, type GithubContext } from "./context.js";
import { DOCS, notFound } from "./errors.js";
import { paginate } from "./pagination.js";
import { repoJson, userJson } from "./payloads.js";
import { installationBucket, tokenReaches, withInstallationToken, type TokenAuth } from "./request-auth.js";
import type { GithubRepo, GithubState, GithubUser } from "./state.js";

/** The repository named in the path, if the token reaches it; GitHub answers 404 otherwise (never 403). */
export function repoFor(state: GithubState, req: SimRequest, auth: TokenAuth): GithubRepo | undefined {
  const repo = state.findRepo(req.params.owner ?? "", req.params.repo ?? "");
  return repo && tokenReaches(auth, repo) ? repo : undefined;
}

/**
 * Users who can be assigned issues in a repository. GitHub means "has push access"; the simulator
 * keeps one flag per user (`assignable`, true for seeded people) instead of per-repository access.
 */
export function assignableUsers(state: GithubState): GithubUser[] {
  return [...state.users.values()].filter((u) => u.assignable && u.type === "User").sort((a, b) => a.login.localeCompare(b.login));
}

/** Repository routes that need an installation token (§1.1). */
export function registerRepoRoutes(ctx: GithubContext): void {
  const { server, state } = ctx;
  const base = () => server.url;

  server.route("GET", "/repos/:owner/:repo", withInstallationToken(ctx, (req, auth) => {
    const repo = repoFor(state, req, auth);
    return repo ? { status: 200, body: repoJson(base(), repo, state) } : notFound(DOCS.getRepo);
  }));

  server.route("GET", "/installation/repositories", withInstallationToken(ctx, (req, auth) => {
    const repos = state.reposOf(auth.installation.id).filter((r) => tokenReaches(auth, r)).sort((a, b) => a.id - b.id);
    const page = paginate(req, base(), repos.map((r) => repoJson(base(), r, state)));
    return { status: 200, headers: page.headers, body: { total_count: repos.length, repository_selection: auth.token.repositoryIds ? "selected" : auth.installation.repositorySelection, repositories: page.items } };
  }));

  server.route("GET", "/repos/:owner/:repo/assignees", withInstallationToken(ctx, (req, auth) => {
    const repo = repoFor(state, req, auth);
    if (!repo) return notFound(DOCS.checkAssignee);
    const page = paginate(req, base(), assignableUsers(state).map((u) => userJson(base(), u)));
    return { status: 200, headers: page.headers, body: page.items };
  }));

  server.route("GET", "/repos/:owner/:repo/assignees/:assignee", withInstallationToken(ctx, (req, auth) => {
    const repo = repoFor(state, req, auth);
    const user = state.findUser(req.params.assignee ?? "");
    // 204 when the user can be assigned, 404 otherwise (GitHub's documented answer).
    return repo && user && assignableUsers(state).includes(user) ? { status: 204 } : notFound(DOCS.checkAssignee);
  }));

  // Does not count against the primary limit (§1.5).
  server.route("GET", "/rate_limit", withInstallationToken(ctx, (_req, auth) => {
    const bucket = installationBucket(auth.installation.id);
    const core = ctx.limits.snapshot(bucket, "core");
    const search = ctx.limits.snapshot(bucket, "search");
    const graphql = { limit: 5000, remaining: 5000, reset: nowSeconds(ctx) + 3600, used: 0, resource: "graphql" };
    return { status: 200, headers: ctx.limits.snapshotHeaders(bucket, "core"), body: { resources: { core, search, graphql }, rate: core } };
  }, { resource: "none" }));
}
