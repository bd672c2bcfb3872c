import type { SimRequest, SimServer } from "../shared/sim-server.js";
import type { JiraDeliveries } from "./deliver-webhook.js";
import { fail, jiraError } from "./errors.js";
import { assignableUser, assignIssue, commentOnIssue, createIssue, issueTransitions, issueTypeOf, transitionIssue } from "./issue-changes.js";
import { commentJson, issueJson } from "./issue-json.js";
import { statusJson } from "./json-views.js";
import { jsonBody, userRoute } from "./rest-context.js";
import { PRIORITIES, type JiraIssue, type JiraState, type JiraUser } from "./state.js";
import type { WorkflowTransition } from "./workflows.js";

type Body = Record<string, unknown>;

const CREATABLE = new Set(["project", "summary", "description", "issuetype", "assignee", "reporter", "priority", "labels"]);

/** The issue named in the path, or Jira's 404. */
export function issueOf(state: JiraState, keyOrId: string | undefined): JiraIssue {
  const issue = state.issue(keyOrId);
  if (!issue) fail(404, ["Issue Does Not Exist"]);
  return issue;
}

function objectField(value: unknown): Body | undefined {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Body) : undefined;
}

/** Validates `POST /rest/api/2/issue` fields, collecting every error as Jira's create validation does. */
function validateCreate(state: JiraState, body: Body, caller: JiraUser) {
  const fields = objectField(body.fields) ?? {};
  const errors: Record<string, string> = {};
  for (const name of Object.keys(fields)) {
    if (!CREATABLE.has(name)) errors[name] = `Field '${name}' cannot be set. It is not on the appropriate screen, or unknown.`;
  }
  const projectRef = objectField(fields.project);
  const project = projectRef ? state.project(String(projectRef.key ?? projectRef.id ?? "")) : undefined;
  if (!projectRef) errors.project = "project is required";
  else if (!project) errors.project = "valid project is required";
  const typeRef = objectField(fields.issuetype);
  const issueTypeId = typeRef ? issueTypeOf(typeRef) : undefined;
  if (!typeRef) errors.issuetype = "issue type is required";
  else if (!issueTypeId) errors.issuetype = "valid issue type is required";
  const summary = fields.summary;
  if (typeof summary !== "string" || summary.trim() === "") errors.summary = "You must specify a summary of the issue.";
  else if (/[\r\n]/.test(summary)) errors.summary = "The summary is invalid because it contains newline characters.";
  else if (summary.length > 255) errors.summary = "Summary must be less than 255 characters.";
  const description = fields.description;
  if (description !== undefined && description !== null && typeof description !== "string") errors.description = "Operation value must be a string";
  let assignee: JiraUser | null = null;
  const assigneeRef = objectField(fields.assignee);
  if (assigneeRef && typeof assigneeRef.name === "string") {
    const user = state.userByName(assigneeRef.name);
    if (!user) errors.assignee = `User '${assigneeRef.name}' does not exist.`;
    else if (!user.active) errors.assignee = `User '${user.name}' cannot be assigned issues.`;
    else assignee = user;
  }
  let reporter: JiraUser | null = caller;
  const reporterRef = objectField(fields.reporter);
  if (reporterRef) {
    const user = typeof reporterRef.name === "string" ? state.userByName(reporterRef.name) : undefined;
    if (!user) errors.reporter = "The reporter specified is not a user.";
    else reporter = user;
  }
  let priorityId: string | undefined;
  const priorityRef = objectField(fields.priority);
  if (priorityRef) {
    priorityId = PRIORITIES.find((p) => p.id === String(priorityRef.id ?? "") || p.name.toLowerCase() === String(priorityRef.name ?? "").toLowerCase())?.id;
    if (!priorityId) errors.priority = "The priority selected is invalid.";
  }
  let labels: string[] | undefined;
  if (fields.labels !== undefined) {
    if (!Array.isArray(fields.labels) || fields.labels.some((l) => typeof l !== "string")) errors.labels = "data was not an array";
    else {
      labels = fields.labels as string[];
      const spaced = labels.find((l) => /\s/.test(l));
      if (spaced !== undefined) errors.labels = `The label '${spaced}' contains spaces which is invalid.`;
    }
  }
  if (Object.keys(errors).length) fail(400, [], errors);
  return {
    project: project!,
    issueTypeId: issueTypeId!,
    summary: summary as string,
    description: typeof description === "string" ? description : null,
    assignee,
    reporter,
    priorityId,
    labels,
  };
}

function transitionJson(base: string, state: JiraState, t: WorkflowTransition): Record<string, unknown> {
  const to = state.status(t.to);
  return { id: t.id, name: t.name, to: to ? statusJson(base, to) : null, hasScreen: false, isGlobal: t.from === "any", isInitial: false, isConditional: false };
}

/** Issue resources of REST API v2: get, create, assignee, transitions, comments (§3). */
export function registerIssueRoutes(server: SimServer, state: JiraState, deliveries: JiraDeliveries): void {
  const base = () => server.url;
  // Jira dispatches webhooks after the change is committed, independently of the HTTP response.
  const announce = (event: Parameters<JiraDeliveries["notify"]>[0] | undefined) => {
    if (event) void deliveries.notify(event);
  };

  server.route("GET", "/rest/api/2/issue/:key", userRoute(state, (req) => {
    const issue = issueOf(state, req.params.key);
    return { status: 200, body: issueJson(base(), state, issue, { fields: req.url.searchParams.get("fields"), expand: req.url.searchParams.get("expand") }) };
  }));

  server.route("POST", "/rest/api/2/issue", userRoute(state, (req, caller) => {
    const input = validateCreate(state, jsonBody(req), caller);
    const event = createIssue(state, input, caller);
    announce(event);
    return { status: 201, body: { id: event.issue.id, key: event.issue.key, self: `${base()}/rest/api/2/issue/${event.issue.id}` } };
  }));

  server.route("PUT", "/rest/api/2/issue/:key/assignee", userRoute(state, (req: SimRequest, caller) => {
    const body = jsonBody(req);
    const issue = issueOf(state, req.params.key);
    const name = body.name;
    if (name !== undefined && name !== null && typeof name !== "string") return jiraError(400, [], { assignee: "Could not find valid 'name' in assignee object" });
    // "-1" asks for the automatic assignee; these projects default to unassigned.
    const assignee = typeof name === "string" && name !== "-1" ? assignableUser(state, name) : null;
    announce(assignIssue(state, issue, assignee, caller));
    return { status: 204 };
  }));

  server.route("GET", "/rest/api/2/issue/:key/transitions", userRoute(state, (req) => {
    const issue = issueOf(state, req.params.key);
    const only = req.url.searchParams.get("transitionId");
    const transitions = issueTransitions(state, issue).filter((t) => only === null || t.id === only);
    return { status: 200, body: { expand: "transitions", transitions: transitions.map((t) => transitionJson(base(), state, t)) } };
  }));

  server.route("POST", "/rest/api/2/issue/:key/transitions", userRoute(state, (req, caller) => {
    const body = jsonBody(req);
    const issue = issueOf(state, req.params.key);
    const ref = objectField(body.transition);
    const id = ref && (typeof ref.id === "string" || typeof ref.id === "number") ? String(ref.id) : undefined;
    if (!id) return jiraError(400, ["Missing 'transition' identifier"]);
    const available = issueTransitions(state, issue).find((t) => t.id === id);
    if (!available) {
      const known = state.projects.get(issue.projectId)?.workflow.transitions.find((t) => t.id === id);
      if (!known) return jiraError(400, [`Transition id '${id}' is not valid for this issue.`]);
      return jiraError(400, [
        `It seems that you have tried to perform a workflow operation (${known.name}) that is not valid for the current state of this issue (${issue.key}). The likely cause is that somebody has changed the issue recently, please look at the issue history for details.`,
      ]);
    }
    const fields = objectField(body.fields) ?? {};
    const unknown = Object.keys(fields).filter((f) => f !== "resolution");
    if (unknown.length) return jiraError(400, [], Object.fromEntries(unknown.map((f) => [f, `Field '${f}' cannot be set. It is not on the appropriate screen, or unknown.`])));
    announce(transitionIssue(state, issue, available, caller));
    return { status: 204 };
  }));

  server.route("GET", "/rest/api/2/issue/:key/comment", userRoute(state, (req) => {
    const issue = issueOf(state, req.params.key);
    const comments = issue.comments.map((c) => commentJson(base(), state, issue, c));
    return { status: 200, body: { startAt: 0, maxResults: comments.length, total: comments.length, comments } };
  }));

  server.route("POST", "/rest/api/2/issue/:key/comment", userRoute(state, (req, caller) => {
    const body = jsonBody(req);
    const issue = issueOf(state, req.params.key);
    if (typeof body.body !== "string" || body.body.trim() === "") return jiraError(400, [], { comment: "Comment body can not be empty!" });
    const event = commentOnIssue(state, issue, body.body, caller);
    announce(event);
    return { status: 201, body: commentJson(base(), state, issue, event.comment!) };
  }));
}
