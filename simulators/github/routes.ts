import { randomBytes } from "node:crypto";
import type { SimRequest, SimResponse, SimServer } from "../shared/sim-server.js";
import { verifyAppJwt } from "./app-jwt.js";
import { deliverWebhook } from "./deliver-webhook.js";
import { issueJson, repoJson } from "./payloads.js";
import type { GithubIssue, GithubRepo, GithubState } from "./state.js";

const DOCS = "https://docs.github.com/rest";
const error = (status: number, message: string): SimResponse => ({ status, body: { message, documentation_url: DOCS, status: String(status) } });

function bearer(req: SimRequest): string | undefined {
  const match = /^(?:Bearer|token)\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  return match?.[1];
}

/** Registers GitHub's REST routes on the simulator. */
export function registerGithubRoutes(server: SimServer, state: GithubState): void {
  const now = () => server.clock.nowSeconds();
  const base = () => server.url;

  const requireJwt = (req: SimRequest): SimResponse | undefined => {
    const token = bearer(req);
    if (!token) return error(401, "A JSON web token could not be decoded");
    const verdict = verifyAppJwt(token, state, now());
    return verdict.ok ? undefined : error(verdict.status, verdict.message);
  };

  /** An installation token's installation, or GitHub's refusal; counts against the rate limit. */
  const requireToken = (req: SimRequest): { installationId: number; headers: Record<string, string> } | SimResponse => {
    const token = bearer(req);
    const record = token ? state.tokens.get(token) : undefined;
    if (!record || record.revoked || record.expiresAt <= now()) return error(401, "Bad credentials");
    const headers: Record<string, string> = {};
    if (state.rateLimit) {
      const limit = state.rateLimit;
      if (limit.resetAt <= now()) {
        limit.used = 0;
        limit.resetAt = now() + 3600;
      }
      if (limit.used >= limit.limit) {
        return {
          status: 403,
          headers: { "x-ratelimit-limit": String(limit.limit), "x-ratelimit-remaining": "0", "x-ratelimit-used": String(limit.used), "x-ratelimit-reset": String(limit.resetAt), "x-ratelimit-resource": "core" },
          body: { message: `API rate limit exceeded for installation ID ${record.installationId}.`, documentation_url: DOCS, status: "403" },
        };
      }
      limit.used++;
      Object.assign(headers, {
        "x-ratelimit-limit": String(limit.limit),
        "x-ratelimit-remaining": String(limit.limit - limit.used),
        "x-ratelimit-used": String(limit.used),
        "x-ratelimit-reset": String(limit.resetAt),
        "x-ratelimit-resource": "core",
      });
    }
    return { installationId: record.installationId, headers };
  };

  const findRepo = (req: SimRequest, installationId: number): GithubRepo | undefined => {
    const repo = state.repos.get(`${req.params.owner}/${req.params.repo}`.toLowerCase());
    return repo && repo.installationId === installationId ? repo : undefined;
  };

  const installationJson = (id: number) => {
    const inst = state.installations.get(id)!;
    return {
      id,
      account: { login: inst.account.login, id: inst.account.id, type: "Organization" },
      app_id: state.appId,
      app_slug: state.slug,
      target_type: "Organization",
      permissions: { issues: "write", metadata: "read", contents: "read" },
      events: ["issues", "push", "pull_request"],
      repository_selection: "all",
      suspended_at: inst.suspended ? new Date(server.clock.now()).toISOString() : null,
    };
  };

  server.route("GET", "/app", (req) => requireJwt(req) ?? { status: 200, body: { id: state.appId, slug: state.slug, client_id: state.clientId, name: "Switchboard (simulated)" } });
  server.route("GET", "/app/installations", (req) => requireJwt(req) ?? { status: 200, body: [...state.installations.keys()].map(installationJson) });
  server.route("GET", "/app/installations/:id", (req) => {
    const refused = requireJwt(req);
    if (refused) return refused;
    const id = Number(req.params.id);
    return state.installations.has(id) ? { status: 200, body: installationJson(id) } : error(404, "Not Found");
  });
  server.route("POST", "/app/installations/:id/access_tokens", (req) => {
    const refused = requireJwt(req);
    if (refused) return refused;
    const id = Number(req.params.id);
    const inst = state.installations.get(id);
    if (!inst) return error(404, "Not Found");
    if (inst.suspended) return error(403, "This installation has been suspended");
    const token = `ghs_${randomBytes(18).toString("base64url").replace(/[-_]/g, "a").slice(0, 36)}`;
    const expiresAt = now() + state.tokenLifetimeSeconds;
    state.tokens.set(token, { installationId: id, expiresAt, revoked: false, createdAt: now() });
    return {
      status: 201,
      body: {
        token,
        expires_at: new Date(expiresAt * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"),
        permissions: { issues: "write", metadata: "read", contents: "read" },
        repository_selection: "all",
      },
    };
  });

  const withRepo = (handler: (req: SimRequest, repo: GithubRepo, headers: Record<string, string>) => SimResponse | Promise<SimResponse>) => async (req: SimRequest) => {
    const auth = requireToken(req);
    if ("status" in auth) return auth;
    const repo = findRepo(req, auth.installationId);
    if (!repo) return { ...error(404, "Not Found"), headers: auth.headers };
    const response = await handler(req, repo, auth.headers);
    return { ...response, headers: { ...auth.headers, ...(response.headers ?? {}) } };
  };

  const touch = (issue: GithubIssue) => {
    // updated_at must move forward on every change: it is the ordering value clients rely on (D10).
    const previous = Date.parse(issue.updated_at) / 1000;
    issue.updated_at = new Date(Math.max(now(), previous + 1) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  };

  server.route("GET", "/repos/:owner/:repo", withRepo((_req, repo) => ({ status: 200, body: repoJson(base(), repo, state) })));
  server.route("GET", "/repos/:owner/:repo/issues/:number", withRepo((req, repo) => {
    const issue = repo.issues.get(Number(req.params.number));
    return issue ? { status: 200, body: issueJson(base(), repo, issue, state) } : error(404, "Not Found");
  }));
  server.route("POST", "/repos/:owner/:repo/issues", withRepo(async (req, repo) => {
    const body = (req.json ?? {}) as { title?: unknown; body?: unknown; assignees?: unknown };
    if (typeof body.title !== "string" || body.title === "") {
      return { status: 422, body: { message: "Validation Failed", errors: [{ resource: "Issue", field: "title", code: "missing_field" }], documentation_url: DOCS, status: "422" } };
    }
    const issue = createIssue(state, repo, body.title, typeof body.body === "string" ? body.body : null, now());
    if (Array.isArray(body.assignees)) issue.assignees = assignable(state, body.assignees);
    await notify(server, state, repo, issue, "opened");
    return { status: 201, body: issueJson(base(), repo, issue, state) };
  }));
  server.route("PATCH", "/repos/:owner/:repo/issues/:number", withRepo(async (req, repo) => {
    const issue = repo.issues.get(Number(req.params.number));
    if (!issue) return error(404, "Not Found");
    const body = (req.json ?? {}) as { title?: unknown; body?: unknown; state?: unknown; state_reason?: unknown; assignees?: unknown };
    if (body.state !== undefined && body.state !== "open" && body.state !== "closed") {
      return { status: 422, body: { message: "Validation Failed", errors: [{ resource: "Issue", field: "state", code: "invalid" }], documentation_url: DOCS, status: "422" } };
    }
    if (typeof body.title === "string") issue.title = body.title;
    if (typeof body.body === "string") issue.body = body.body;
    const events: Array<[string, Record<string, unknown>]> = [];
    if (Array.isArray(body.assignees)) events.push(...setAssignees(state, issue, assignable(state, body.assignees)));
    if (body.state && body.state !== issue.state) {
      issue.state = body.state as "open" | "closed";
      issue.state_reason = issue.state === "closed" ? (typeof body.state_reason === "string" ? body.state_reason : "completed") : "reopened";
      events.push([issue.state === "closed" ? "closed" : "reopened", {}]);
    }
    if (events.length) touch(issue);
    for (const [action, extra] of events) await notify(server, state, repo, issue, action, extra);
    return { status: 200, body: issueJson(base(), repo, issue, state) };
  }));
  const changeAssignees = (add: boolean) => withRepo(async (req, repo) => {
    const issue = repo.issues.get(Number(req.params.number));
    if (!issue) return error(404, "Not Found");
    const logins = Array.isArray((req.json as { assignees?: unknown } | undefined)?.assignees) ? ((req.json as { assignees: unknown[] }).assignees) : [];
    const wanted = add ? [...issue.assignees, ...assignable(state, logins)] : issue.assignees.filter((l) => !logins.some((x) => String(x).toLowerCase() === l.toLowerCase()));
    const events = setAssignees(state, issue, wanted);
    if (events.length) touch(issue);
    for (const [action, extra] of events) await notify(server, state, repo, issue, action, extra);
    return { status: add ? 201 : 200, body: issueJson(base(), repo, issue, state) };
  });
  server.route("POST", "/repos/:owner/:repo/issues/:number/assignees", changeAssignees(true));
  server.route("DELETE", "/repos/:owner/:repo/issues/:number/assignees", changeAssignees(false));

  server.route("GET", "/search/issues", (req) => {
    const auth = requireToken(req);
    if ("status" in auth) return auth;
    const q = req.url.searchParams.get("q") ?? "";
    if (!q.trim()) return { status: 422, body: { message: "Validation Failed", errors: [{ resource: "Search", field: "q", code: "missing" }], documentation_url: DOCS, status: "422" } };
    const repoFilter = /repo:(\S+)/.exec(q)?.[1]?.toLowerCase();
    const text = q.replace(/\b(repo|is|state|type):\S+/g, "").trim().toLowerCase();
    const items = [...state.repos.values()]
      .filter((r) => r.installationId === auth.installationId && (!repoFilter || `${r.owner}/${r.name}`.toLowerCase() === repoFilter))
      .flatMap((r) => [...r.issues.values()].filter((i) => !text || i.title.toLowerCase().includes(text)).map((i) => issueJson(base(), r, i, state)));
    return { status: 200, headers: auth.headers, body: { total_count: items.length, incomplete_results: false, items } };
  });
}

/** Logins GitHub would accept as assignees: known users (unknown logins are silently dropped). */
function assignable(state: GithubState, logins: unknown[]): string[] {
  return logins.filter((l): l is string => typeof l === "string" && state.users.has(l.toLowerCase())).map((l) => state.users.get(l.toLowerCase())!.login);
}

/** Sets the assignee list; returns one assigned/unassigned event per login added or removed, as GitHub sends. */
export function setAssignees(state: GithubState, issue: GithubIssue, wanted: string[]): Array<[string, Record<string, unknown>]> {
  const unique = [...new Map(wanted.map((l) => [l.toLowerCase(), l])).values()].slice(0, 10);
  const before = new Set(issue.assignees.map((l) => l.toLowerCase()));
  const after = new Set(unique.map((l) => l.toLowerCase()));
  const removed = issue.assignees.filter((l) => !after.has(l.toLowerCase()));
  const added = unique.filter((l) => !before.has(l.toLowerCase()));
  issue.assignees = unique;
  const user = (login: string) => ({ login, id: state.user(login).id, type: "User" });
  return [...removed.map((l) => ["unassigned", { assignee: user(l) }] as [string, Record<string, unknown>]), ...added.map((l) => ["assigned", { assignee: user(l) }] as [string, Record<string, unknown>])];
}

/** Creates an issue in a repository. */
export function createIssue(state: GithubState, repo: GithubRepo, title: string, body: string | null, nowSeconds: number): GithubIssue {
  const number = repo.issues.size + 1;
  const at = new Date(nowSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const issue: GithubIssue = { id: state.id(), number, title, body, state: "open", state_reason: null, assignees: [], created_at: at, updated_at: at, user: repo.owner };
  repo.issues.set(number, issue);
  return issue;
}

/** Delivers an `issues` event about this issue. */
export function notify(server: SimServer, state: GithubState, repo: GithubRepo, issue: GithubIssue, action: string, extra: Record<string, unknown> = {}) {
  return deliverWebhook(server, state, "issues", {
    action,
    issue: issueJson(server.url, repo, issue, state),
    repository: repoJson(server.url, repo, state),
    installation: { id: repo.installationId },
    sender: { login: repo.owner, id: state.user(repo.owner).id, type: "User" },
    ...extra,
  });
}
