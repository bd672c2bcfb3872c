import type { SimRequest, SimResponse, SimServer } from "../shared/sim-server.js";
import { BbqlError, parseBbql, sortBy } from "./bbql.js";
import { deliverIssueEvent } from "./deliver-webhook.js";
import { bbError, fieldErrors } from "./errors.js";
import { createIssue, ISSUE_QUERY_FIELDS, issueField, updateIssue, type IssueFields } from "./issues.js";
import { paginate } from "./pagination.js";
import { renderIssue, type LinkBase } from "./render.js";
import { appActor, appRoute, findRepo, type ApiContext } from "./rest-context.js";
import { ISSUE_KINDS, ISSUE_PRIORITIES, ISSUE_STATES, type BbRepository, type BitbucketState, type IssueKind, type IssuePriority, type IssueState } from "./state.js";

const REPO = "/2.0/repositories/:workspace/:repo_slug";
const TITLE_MAX = 255;

type Parsed = { fields: IssueFields } | { error: SimResponse };

function choice<T extends string>(value: unknown, allowed: readonly T[], name: string, errors: Record<string, string[]>): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  errors[name] = [`"${String(value)}" is not a valid choice.`];
  return undefined;
}

/** Validates an issue body as Bitbucket does: known choices, a title, an assignee with access to the workspace. */
function parseIssueBody(req: SimRequest, state: BitbucketState, repo: BbRepository, requireTitle: boolean): Parsed {
  const body = req.json;
  if (!body || typeof body !== "object" || Array.isArray(body)) return { error: bbError(400, "Bad request") };
  const b = body as Record<string, unknown>;
  const errors: Record<string, string[]> = {};
  const fields: IssueFields = {};
  if (b.title !== undefined || requireTitle) {
    if (typeof b.title !== "string" || !b.title.trim()) errors.title = ["This field is required."];
    else if (b.title.length > TITLE_MAX) errors.title = [`Ensure this value has at most ${TITLE_MAX} characters (it has ${b.title.length}).`];
    else fields.title = b.title;
  }
  if (b.content !== undefined) {
    const raw = b.content && typeof b.content === "object" ? (b.content as Record<string, unknown>).raw : undefined;
    if (typeof raw !== "string") errors.content = ["content must be an object with a raw string."];
    else fields.content = raw;
  }
  fields.state = choice<IssueState>(b.state, ISSUE_STATES, "state", errors);
  fields.kind = choice<IssueKind>(b.kind, ISSUE_KINDS, "kind", errors);
  fields.priority = choice<IssuePriority>(b.priority, ISSUE_PRIORITIES, "priority", errors);
  if (b.assignee === null) fields.assignee = null;
  else if (b.assignee !== undefined) {
    const a = (typeof b.assignee === "object" ? b.assignee : {}) as Record<string, unknown>;
    const ref = [a.uuid, a.account_id, a.username].find((v): v is string => typeof v === "string" && v !== "");
    const user = ref ? state.findUser(ref) : undefined;
    const ws = state.workspaces.get(repo.workspace);
    if (!ref) errors.assignee = ["assignee must name a user by uuid, account_id or username."];
    else if (!user || user.email?.toLowerCase() === ref.toLowerCase()) errors.assignee = [`${ref} is not a valid user.`];
    else if (!ws?.members.has(user.uuid)) errors.assignee = [`${user.displayName} does not have access to this repository.`];
    else fields.assignee = user.uuid;
  }
  if (Object.keys(errors).length) return { error: fieldErrors(errors) };
  return { fields };
}

function withTracker(req: SimRequest, state: BitbucketState, ctx: ApiContext): { repo: BbRepository } | { error: SimResponse } {
  const found = findRepo(req, state, ctx.installation);
  if ("error" in found) return found;
  if (!found.repo.hasIssues) return { error: bbError(404, "Repository has no issue tracker.") };
  return found;
}

/** Issues: list with BBQL `q` and `sort`, create, get, update (`PUT`), each change delivered as an event. */
export function registerIssueRoutes(server: SimServer, state: BitbucketState, base: () => LinkBase): void {
  const now = () => server.clock.nowSeconds();

  server.route("GET", `${REPO}/issues`, appRoute(state, base, now, "issue", (req, ctx) => {
    const found = withTracker(req, state, ctx);
    if ("error" in found) return found.error;
    let issues = [...found.repo.issues.values()];
    const q = req.url.searchParams.get("q");
    if (q) {
      try {
        const predicate = parseBbql(q, ISSUE_QUERY_FIELDS);
        issues = issues.filter((issue) => predicate((field) => issueField(state, issue, field)));
      } catch (error) {
        if (error instanceof BbqlError) return bbError(400, error.message);
        throw error;
      }
    }
    const sort = req.url.searchParams.get("sort");
    if (sort) {
      if (!ISSUE_QUERY_FIELDS.has(sort.replace(/^-/, ""))) return bbError(400, `Invalid sort field: ${sort}`);
      issues = sortBy(issues, sort, (issue, field) => issueField(state, issue, field));
    }
    return paginate(req, ctx.base.api, issues, (issue) => renderIssue(issue, found.repo, state, ctx.base));
  }));

  server.route("POST", `${REPO}/issues`, appRoute(state, base, now, "issue:write", (req, ctx) => {
    const found = withTracker(req, state, ctx);
    if ("error" in found) return found.error;
    const parsed = parseIssueBody(req, state, found.repo, true);
    if ("error" in parsed) return parsed.error;
    const issue = createIssue(found.repo, { ...parsed.fields, title: parsed.fields.title as string }, null, server.clock.now());
    state.track(deliverIssueEvent(server, state, ctx.base, found.repo, issue, "issue:created", appActor(ctx.installation, ctx.base)));
    const rendered = renderIssue(issue, found.repo, state, ctx.base);
    return { status: 201, headers: { location: rendered.links.self.href }, body: rendered };
  }));

  server.route("GET", `${REPO}/issues/:id`, appRoute(state, base, now, "issue", (req, ctx) => {
    const found = withTracker(req, state, ctx);
    if ("error" in found) return found.error;
    const issue = found.repo.issues.get(Number(req.params.id));
    if (!issue) return bbError(404, "Issue not found");
    return { status: 200, body: renderIssue(issue, found.repo, state, ctx.base) };
  }));

  server.route("PUT", `${REPO}/issues/:id`, appRoute(state, base, now, "issue:write", (req, ctx) => {
    const found = withTracker(req, state, ctx);
    if ("error" in found) return found.error;
    const issue = found.repo.issues.get(Number(req.params.id));
    if (!issue) return bbError(404, "Issue not found");
    const parsed = parseIssueBody(req, state, found.repo, false);
    if ("error" in parsed) return parsed.error;
    const changes = updateIssue(state, ctx.base, issue, parsed.fields, server.clock.now());
    if (Object.keys(changes).length) state.track(deliverIssueEvent(server, state, ctx.base, found.repo, issue, "issue:updated", appActor(ctx.installation, ctx.base), changes));
    return { status: 200, body: renderIssue(issue, found.repo, state, ctx.base) };
  }));
}
