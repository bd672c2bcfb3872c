import { issueTypeJson, jiraDate, priorityJson, projectJson, statusJson, userJson } from "./json-views.js";
import { ISSUE_TYPES, PRIORITIES, RESOLUTION_DONE, type IssueComment, type JiraIssue, type JiraState } from "./state.js";

/** Options of `GET /rest/api/2/issue/{key}` and search: `fields=` (names, `*all`, `*navigable`, `-name`) and `expand=changelog`. */
export interface IssueRenderOptions {
  fields?: string | null | undefined;
  expand?: string | null | undefined;
}

export function commentJson(base: string, state: JiraState, issue: JiraIssue, comment: IssueComment): Record<string, unknown> {
  const author = state.userByKey(comment.authorKey);
  const authorJson = author ? userJson(base, author) : null;
  return {
    self: `${base}/rest/api/2/issue/${issue.id}/comment/${comment.id}`,
    id: comment.id,
    author: authorJson,
    body: comment.body,
    updateAuthor: authorJson,
    created: jiraDate(comment.createdMs),
    updated: jiraDate(comment.updatedMs),
  };
}

/** Every field of the issue, in the order Jira lists them. */
function allFields(base: string, state: JiraState, issue: JiraIssue): Record<string, unknown> {
  const user = (key: string | null) => {
    const u = state.userByKey(key);
    return u ? userJson(base, u) : null;
  };
  const project = state.projects.get(issue.projectId);
  const type = ISSUE_TYPES.find((t) => t.id === issue.issueTypeId);
  const priority = PRIORITIES.find((p) => p.id === issue.priorityId);
  const status = state.status(issue.statusId);
  return {
    issuetype: type ? issueTypeJson(base, type) : null,
    project: project ? projectJson(base, project) : null,
    resolution: issue.resolutionId ? { self: `${base}/rest/api/2/resolution/${RESOLUTION_DONE.id}`, ...RESOLUTION_DONE } : null,
    resolutiondate: issue.resolutionDateMs === null ? null : jiraDate(issue.resolutionDateMs),
    created: jiraDate(issue.createdMs),
    updated: jiraDate(issue.updatedMs),
    priority: priority ? priorityJson(base, priority) : null,
    labels: [...issue.labels],
    assignee: user(issue.assigneeKey),
    status: status ? statusJson(base, status) : null,
    components: [],
    description: issue.description,
    summary: issue.summary,
    creator: user(issue.creatorKey),
    reporter: user(issue.reporterKey),
    comment: { comments: issue.comments.map((c) => commentJson(base, state, issue, c)), maxResults: issue.comments.length, total: issue.comments.length, startAt: 0 },
    watches: { self: `${base}/rest/api/2/issue/${issue.key}/watchers`, watchCount: 0, isWatching: false },
  };
}

/** Applies Jira's `fields=` list: `*all`/`*navigable` for everything, names to pick, `-name` to drop. */
function pickFields(fields: Record<string, unknown>, spec: string | null | undefined): Record<string, unknown> {
  if (!spec) return fields;
  const parts = spec.split(",").map((s) => s.trim()).filter(Boolean);
  const everything = parts.some((p) => p === "*all" || p === "*navigable");
  const wanted = new Set(parts.filter((p) => !p.startsWith("-") && !p.startsWith("*")));
  const dropped = new Set(parts.filter((p) => p.startsWith("-")).map((p) => p.slice(1)));
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    if ((everything || wanted.has(name)) && !dropped.has(name)) out[name] = value;
  }
  return out;
}

/** An issue as `GET /rest/api/2/issue/{key}` answers it (and as deliveries embed it, §3.4). */
export function issueJson(base: string, state: JiraState, issue: JiraIssue, options: IssueRenderOptions = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {
    expand: "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
    id: issue.id,
    self: `${base}/rest/api/2/issue/${issue.id}`,
    key: issue.key,
    fields: pickFields(allFields(base, state, issue), options.fields),
  };
  if ((options.expand ?? "").split(",").map((s) => s.trim()).includes("changelog")) {
    out.changelog = {
      startAt: 0,
      maxResults: issue.histories.length,
      total: issue.histories.length,
      histories: issue.histories.map((h) => {
        const author = state.userByKey(h.authorKey);
        return { id: h.id, author: author ? userJson(base, author) : null, created: jiraDate(h.createdMs), items: h.items.map((i) => ({ ...i })) };
      }),
    };
  }
  return out;
}
