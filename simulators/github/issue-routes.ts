import type { SimRequest, SimResponse } from "../shared/sim-server.js";
import { eventContext, nowSeconds, type GithubContext } from "./context.js";
import { DOCS, githubError, invalidRequest, notFound, problemsParsingJson, validationFailed } from "./errors.js";
import { issueCommentEvent } from "./events.js";
import { announceIssueChanges, installationActive } from "./issue-events.js";
import { addAssignees, createIssue, editIssue, removeAssignees, replaceAssignees, replaceLabels, setIssueState, STATE_REASONS, touch, type IssueChange } from "./issues.js";
import { paginate } from "./pagination.js";
import { commentJson, issueJson } from "./payloads.js";
import { assignableUsers, repoFor } from "./repo-routes.js";
import { withInstallationToken, type TokenAuth } from "./request-auth.js";
import { isoSeconds, nodeId, type GithubIssue, type GithubRepo, type GithubState } from "./state.js";
import { hasPermission } from "./tokens.js";

type Body = Record<string, unknown>;

/** A refusal to send back instead of a value. */
type Refused = { error: SimResponse };
const refused = (value: object): value is Refused => "error" in value;

/** The JSON object body, or GitHub's 400 when the body is not JSON. An empty body is `{}`. */
function jsonBody(req: SimRequest, doc: string): { body: Body } | Refused {
  if (req.rawBody.length === 0) return { body: {} };
  const value = req.json;
  if (!value || typeof value !== "object" || Array.isArray(value)) return { error: problemsParsingJson(doc) };
  return { body: value as Body };
}

/** GitHub's JSON-schema complaint about one property. */
const typeError = (name: string, value: unknown, expected: string, doc: string) => invalidRequest(`For 'properties/${name}', ${JSON.stringify(value)} is not ${expected}.`, doc);

/** Checks the property types GitHub's schema enforces for issue create/update. */
function checkTypes(body: Body, doc: string): SimResponse | undefined {
  const { title, body: text, assignees, assignee, labels, state, state_reason: reason } = body;
  if (title !== undefined && title !== null && typeof title !== "string" && !Number.isInteger(title)) return typeError("title", title, "a string or integer", doc);
  if (text !== undefined && text !== null && typeof text !== "string") return typeError("body", text, "a string or null", doc);
  if (assignees !== undefined && (!Array.isArray(assignees) || assignees.some((a) => typeof a !== "string"))) return typeError("assignees", assignees, "an array", doc);
  if (assignee !== undefined && assignee !== null && typeof assignee !== "string") return typeError("assignee", assignee, "a string or null", doc);
  if (labels !== undefined && !Array.isArray(labels)) return typeError("labels", labels, "an array", doc);
  if (state !== undefined && state !== "open" && state !== "closed") return typeError("state", state, 'one of ["open", "closed"]', doc);
  if (reason !== undefined && reason !== null && !(STATE_REASONS as readonly unknown[]).includes(reason)) return typeError("state_reason", reason, `one of ${JSON.stringify(STATE_REASONS)}`, doc);
  return undefined;
}

/** Label names from strings or `{name}` objects. */
const labelNames = (labels: unknown[]): string[] =>
  labels.map((l) => (typeof l === "string" ? l : l && typeof l === "object" && typeof (l as { name?: unknown }).name === "string" ? (l as { name: string }).name : "")).filter(Boolean);

/** Canonical logins for `wanted`, or a 422 naming the first one that cannot be assigned (create / update). */
function strictAssignees(state: GithubState, wanted: string[], field: "assignees" | "assignee", doc: string): { logins: string[] } | Refused {
  const allowed = assignableUsers(state);
  const logins: string[] = [];
  for (const login of wanted) {
    const user = allowed.find((u) => u.login.toLowerCase() === login.toLowerCase());
    if (!user) return { error: validationFailed([{ value: login, resource: "Issue", field, code: "invalid" }], doc) };
    logins.push(user.login);
  }
  return { logins };
}

/** Logins that can be assigned; the rest are dropped without a word, as the assignees endpoint does. */
function lenientAssignees(state: GithubState, wanted: unknown[]): string[] {
  const allowed = assignableUsers(state);
  return wanted.flatMap((login) => allowed.filter((u) => typeof login === "string" && u.login.toLowerCase() === login.toLowerCase()).map((u) => u.login));
}

/** Issue routes (get, create, update, assignees, comments); changes deliver `issues` webhooks as GitHub does for app changes. */
export function registerIssueRoutes(ctx: GithubContext): void {
  const { server, state } = ctx;
  const base = () => server.url;
  const bot = () => state.user(state.botLogin, { type: "Bot", assignable: false }).login;

  /** Resolves repository and issue, and checks the token's `issues` permission. */
  const locate = (req: SimRequest, auth: TokenAuth, level: "read" | "write", doc: string): { repo: GithubRepo; issue?: GithubIssue } | Refused => {
    const repo = repoFor(state, req, auth);
    if (!repo) return { error: notFound(doc) };
    if (!hasPermission(auth.token, "issues", level)) return { error: githubError(403, "Resource not accessible by integration", doc) };
    if (req.params.number === undefined) return { repo };
    const issue = /^\d+$/.test(req.params.number) ? repo.issues.get(Number(req.params.number)) : undefined;
    return issue ? { repo, issue } : { error: notFound(doc) };
  };

  /** Bumps `updated_at` when something changed and queues the webhooks without waiting for them. */
  const commit = (repo: GithubRepo, issue: GithubIssue, changes: IssueChange[]) => {
    if (!changes.length) return;
    touch(issue, nowSeconds(ctx));
    void announceIssueChanges(ctx.deliveries, eventContext(ctx), repo, issue, changes, bot());
  };

  server.route("GET", "/repos/:owner/:repo/issues/:number", withInstallationToken(ctx, (req, auth) => {
    const found = locate(req, auth, "read", DOCS.getIssue);
    if (refused(found)) return found.error;
    return { status: 200, body: issueJson(base(), found.repo, found.issue!, state) };
  }));

  server.route("POST", "/repos/:owner/:repo/issues", withInstallationToken(ctx, (req, auth) => {
    const doc = DOCS.createIssue;
    const found = locate(req, auth, "write", doc);
    if (refused(found)) return found.error;
    const parsed = jsonBody(req, doc);
    if (refused(parsed)) return parsed.error;
    const body = parsed.body;
    if (body.title === undefined) return invalidRequest('"title" wasn\'t supplied.', doc);
    const typeProblem = checkTypes(body, doc);
    if (typeProblem) return typeProblem;
    if (body.title === null || String(body.title).trim() === "") return validationFailed([{ resource: "Issue", code: "missing_field", field: "title" }], doc);
    const wanted = Array.isArray(body.assignees) ? (body.assignees as string[]) : typeof body.assignee === "string" ? [body.assignee] : [];
    const assignees = strictAssignees(state, wanted, Array.isArray(body.assignees) ? "assignees" : "assignee", doc);
    if (refused(assignees)) return assignees.error;
    const issue = createIssue(state, found.repo, {
      title: String(body.title),
      body: typeof body.body === "string" ? body.body : null,
      assignees: assignees.logins,
      labels: Array.isArray(body.labels) ? labelNames(body.labels) : [],
      author: bot(),
    }, nowSeconds(ctx));
    void announceIssueChanges(ctx.deliveries, eventContext(ctx), found.repo, issue, [{ action: "opened" }], bot());
    const json = issueJson(base(), found.repo, issue, state);
    return { status: 201, headers: { location: json.url }, body: json };
  }));

  server.route("PATCH", "/repos/:owner/:repo/issues/:number", withInstallationToken(ctx, (req, auth) => {
    const doc = DOCS.updateIssue;
    const found = locate(req, auth, "write", doc);
    if (refused(found)) return found.error;
    const issue = found.issue!;
    const parsed = jsonBody(req, doc);
    if (refused(parsed)) return parsed.error;
    const body = parsed.body;
    const typeProblem = checkTypes(body, doc);
    if (typeProblem) return typeProblem;
    if (body.title === null || (typeof body.title === "string" && body.title.trim() === "")) return validationFailed([{ resource: "Issue", code: "missing_field", field: "title" }], doc);
    // `assignees` wins over the deprecated `assignee`; `assignee: null` clears.
    let wanted: string[] | undefined;
    if (Array.isArray(body.assignees)) wanted = body.assignees as string[];
    else if (body.assignee !== undefined) wanted = typeof body.assignee === "string" ? [body.assignee] : [];
    const assignees = wanted === undefined ? undefined : strictAssignees(state, wanted, Array.isArray(body.assignees) ? "assignees" : "assignee", doc);
    if (assignees && refused(assignees)) return assignees.error;
    const changes: IssueChange[] = [
      ...editIssue(issue, { title: body.title === undefined ? undefined : String(body.title), body: body.body === undefined ? undefined : (body.body as string | null) }),
      ...(assignees ? replaceAssignees(issue, assignees.logins) : []),
      ...(Array.isArray(body.labels) ? replaceLabels(issue, labelNames(body.labels)) : []),
    ];
    if (body.state !== undefined || typeof body.state_reason === "string") {
      const target = (body.state as "open" | "closed" | undefined) ?? issue.state;
      const before = issue.state_reason;
      changes.push(...setIssueState(issue, target, body.state_reason as string | null | undefined, bot(), nowSeconds(ctx)));
      // A closed issue whose reason changed is an edit GitHub records without a new action.
      if (!changes.length && before !== issue.state_reason) touch(issue, nowSeconds(ctx));
    }
    commit(found.repo, issue, changes);
    return { status: 200, body: issueJson(base(), found.repo, issue, state) };
  }));

  const changeAssignees = (add: boolean) => withInstallationToken(ctx, (req, auth) => {
    const doc = add ? DOCS.addAssignees : DOCS.removeAssignees;
    const found = locate(req, auth, "write", doc);
    if (refused(found)) return found.error;
    const issue = found.issue!;
    const parsed = jsonBody(req, doc);
    if (refused(parsed)) return parsed.error;
    const body = parsed.body;
    if (body.assignees !== undefined && (!Array.isArray(body.assignees) || body.assignees.some((a) => typeof a !== "string"))) return typeError("assignees", body.assignees, "an array", doc);
    const logins = (body.assignees as string[] | undefined) ?? [];
    // Adding: logins that cannot be assigned are silently ignored; the answer is still 201.
    const changes = add ? addAssignees(issue, lenientAssignees(state, logins)) : removeAssignees(issue, logins);
    commit(found.repo, issue, changes);
    return { status: add ? 201 : 200, body: issueJson(base(), found.repo, issue, state) };
  });
  server.route("POST", "/repos/:owner/:repo/issues/:number/assignees", changeAssignees(true));
  server.route("DELETE", "/repos/:owner/:repo/issues/:number/assignees", changeAssignees(false));

  server.route("GET", "/repos/:owner/:repo/issues/:number/comments", withInstallationToken(ctx, (req, auth) => {
    const found = locate(req, auth, "read", DOCS.comments);
    if (refused(found)) return found.error;
    const page = paginate(req, base(), found.issue!.comments.map((c) => commentJson(base(), found.repo, found.issue!, c, state)));
    return { status: 200, headers: page.headers, body: page.items };
  }));

  server.route("POST", "/repos/:owner/:repo/issues/:number/comments", withInstallationToken(ctx, (req, auth) => {
    const doc = DOCS.comments;
    const found = locate(req, auth, "write", doc);
    if (refused(found)) return found.error;
    const issue = found.issue!;
    const parsed = jsonBody(req, doc);
    if (refused(parsed)) return parsed.error;
    const body = parsed.body;
    if (body.body === undefined) return invalidRequest('"body" wasn\'t supplied.', doc);
    if (typeof body.body !== "string") return typeError("body", body.body, "a string", doc);
    const at = isoSeconds(nowSeconds(ctx));
    const id = state.newCommentId();
    const comment = { id, nodeId: nodeId("IC", id), body: body.body, user: bot(), created_at: at, updated_at: at };
    issue.comments.push(comment);
    touch(issue, nowSeconds(ctx));
    if (installationActive(eventContext(ctx), found.repo)) {
      void ctx.deliveries.deliver("issue_comment", issueCommentEvent(eventContext(ctx), "created", found.repo, issue, comment, bot()));
    }
    const json = commentJson(base(), found.repo, issue, comment, state);
    return { status: 201, headers: { location: json.url }, body: json };
  }));
}
