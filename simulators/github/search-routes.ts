import type { GithubContext } from "./context.js";
import { DOCS, validationFailed } from "./errors.js";
import { paginate } from "./pagination.js";
import { issueJson } from "./payloads.js";
import { tokenReaches, withInstallationToken } from "./request-auth.js";
import { parseIssueQuery } from "./search-query.js";
import type { GithubIssue } from "./state.js";
import { hasPermission } from "./tokens.js";

const CANNOT_SEARCH = "The listed users and repositories cannot be searched either because the resources do not exist or you do not have permission to view them.";

const SORTS: Record<string, (i: GithubIssue) => number> = {
  created: (i) => Date.parse(i.created_at),
  updated: (i) => Date.parse(i.updated_at),
  comments: (i) => i.comments.length,
};

/** `GET /search/issues` over what the token can see; counts against the `search` limit (30/min). */
export function registerSearchRoutes(ctx: GithubContext): void {
  const { server, state } = ctx;
  server.route("GET", "/search/issues", withInstallationToken(ctx, (req, auth) => {
    const q = req.url.searchParams.get("q") ?? "";
    if (!q.trim()) return validationFailed([{ resource: "Search", field: "q", code: "missing" }], DOCS.search);
    const query = parseIssueQuery(q);
    const visible = [...state.repos.values()].filter((r) => tokenReaches(auth, r));
    const named = query.repos.map((name) => visible.find((r) => `${r.owner}/${r.name}`.toLowerCase() === name));
    if (named.some((r) => r === undefined)) {
      return validationFailed([{ message: CANNOT_SEARCH, resource: "Search", field: "q", code: "invalid" }], DOCS.search);
    }
    const scope = query.repos.length ? (named as typeof visible) : visible;
    const readable = hasPermission(auth.token, "issues", "read") ? scope : [];
    const hits = readable.flatMap((repo) => [...repo.issues.values()].filter((issue) => query.matches(repo, issue)).map((issue) => ({ repo, issue })));
    const key = SORTS[req.url.searchParams.get("sort") ?? ""] ?? SORTS.updated!;
    const direction = req.url.searchParams.get("order") === "asc" ? 1 : -1;
    hits.sort((a, b) => direction * (key(a.issue) - key(b.issue)) || b.issue.id - a.issue.id);
    const page = paginate(req, server.url, hits.map(({ repo, issue }) => ({ ...issueJson(server.url, repo, issue, state), score: 1 })));
    return { status: 200, headers: page.headers, body: { total_count: hits.length, incomplete_results: false, items: page.items } };
  }, { resource: "search" }));
}
