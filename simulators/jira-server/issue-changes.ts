import { fail } from "./errors.js";
import { DEFAULT_PRIORITY_ID, ISSUE_TYPES, RESOLUTION_DONE, type ChangeHistory, type ChangeItem, type IssueComment, type JiraIssue, type JiraProject, type JiraState, type JiraUser } from "./state.js";
import { availableTransitions, STATUS_CATEGORIES, type WorkflowTransition } from "./workflows.js";

/** Something that happened to an issue, which webhooks are told about (§3.4). */
export interface IssueEvent {
  webhookEvent: "jira:issue_created" | "jira:issue_updated";
  /** `issue_event_type_name`: issue_created, issue_assigned, issue_generic, issue_commented, ... */
  eventTypeName: string;
  issue: JiraIssue;
  actor: JiraUser;
  timestampMs: number;
  history: ChangeHistory | undefined;
  comment: IssueComment | undefined;
}

/** The fields of a new issue, already resolved to objects. */
export interface NewIssue {
  project: JiraProject;
  issueTypeId: string;
  summary: string;
  description: string | null;
  assignee: JiraUser | null;
  reporter: JiraUser | null;
  priorityId?: string | undefined;
  labels?: string[] | undefined;
}

/** Creates an issue in the workflow's initial status; its event is `jira:issue_created` (no changelog). */
export function createIssue(state: JiraState, input: NewIssue, actor: JiraUser): IssueEvent {
  const now = state.clock.now();
  const issue: JiraIssue = {
    id: String(state.nextIssueId++),
    key: `${input.project.key}-${input.project.nextIssueNumber++}`,
    projectId: input.project.id,
    issueTypeId: input.issueTypeId,
    summary: input.summary,
    description: input.description,
    assigneeKey: input.assignee?.key ?? null,
    reporterKey: input.reporter?.key ?? null,
    creatorKey: actor.key,
    statusId: input.project.workflow.initialStatusId,
    priorityId: input.priorityId ?? DEFAULT_PRIORITY_ID,
    resolutionId: null,
    resolutionDateMs: null,
    createdMs: now,
    updatedMs: now,
    labels: input.labels ?? [],
    comments: [],
    histories: [],
  };
  state.issues.set(issue.id, issue);
  return { webhookEvent: "jira:issue_created", eventTypeName: "issue_created", issue, actor, timestampMs: now, history: undefined, comment: undefined };
}

function record(state: JiraState, issue: JiraIssue, actor: JiraUser, items: ChangeItem[], now: number): ChangeHistory {
  const history: ChangeHistory = { id: String(state.nextChangeId++), authorKey: actor.key, createdMs: now, items };
  issue.histories.push(history);
  issue.updatedMs = now;
  return history;
}

/** Checks that a user can be the assignee, with Jira's messages (§3 assignee errors). */
export function assignableUser(state: JiraState, name: string): JiraUser {
  const user = state.userByName(name);
  if (!user) fail(400, [], { assignee: `User '${name}' does not exist.` });
  if (!user.active) fail(400, [], { assignee: `User '${user.name}' cannot be assigned issues.` });
  return user;
}

/**
 * Assigns the issue to `assignee` (null unassigns). Jira makes no change, and sends nothing, when the
 * assignee is already that user; otherwise one changelog entry with an `assignee` item keyed by user key.
 */
export function assignIssue(state: JiraState, issue: JiraIssue, assignee: JiraUser | null, actor: JiraUser): IssueEvent | undefined {
  const before = state.userByKey(issue.assigneeKey) ?? null;
  if ((before?.key ?? null) === (assignee?.key ?? null)) return undefined;
  const now = state.clock.now();
  issue.assigneeKey = assignee?.key ?? null;
  const history = record(state, issue, actor, [
    { field: "assignee", fieldtype: "jira", from: before?.key ?? null, fromString: before?.displayName ?? null, to: assignee?.key ?? null, toString: assignee?.displayName ?? null },
  ], now);
  return { webhookEvent: "jira:issue_updated", eventTypeName: "issue_assigned", issue, actor, timestampMs: now, history, comment: undefined };
}

/** The transitions the issue's workflow offers from its current status. */
export function issueTransitions(state: JiraState, issue: JiraIssue): WorkflowTransition[] {
  const project = state.projects.get(issue.projectId);
  return project ? availableTransitions(project.workflow, issue.statusId) : [];
}

/**
 * Performs a workflow transition: the status changes and, entering or leaving the Done category, the
 * resolution is set (to Done) or cleared, as the workflows' post functions do; changelog items list
 * the resolution first, then the status.
 */
export function transitionIssue(state: JiraState, issue: JiraIssue, transition: WorkflowTransition, actor: JiraUser): IssueEvent {
  const now = state.clock.now();
  const from = state.status(issue.statusId);
  const to = state.status(transition.to);
  if (!to) fail(500, [`Status ${transition.to} does not exist`]);
  const items: ChangeItem[] = [];
  const doneCategory = STATUS_CATEGORIES.done.key;
  if (to.category === doneCategory && issue.resolutionId === null) {
    items.push({ field: "resolution", fieldtype: "jira", from: null, fromString: null, to: RESOLUTION_DONE.id, toString: RESOLUTION_DONE.name });
    issue.resolutionId = RESOLUTION_DONE.id;
    issue.resolutionDateMs = now;
  } else if (to.category !== doneCategory && issue.resolutionId !== null) {
    items.push({ field: "resolution", fieldtype: "jira", from: issue.resolutionId, fromString: RESOLUTION_DONE.name, to: null, toString: null });
    issue.resolutionId = null;
    issue.resolutionDateMs = null;
  }
  items.push({ field: "status", fieldtype: "jira", from: issue.statusId, fromString: from?.name ?? null, to: to.id, toString: to.name });
  issue.statusId = to.id;
  const history = record(state, issue, actor, items, now);
  return { webhookEvent: "jira:issue_updated", eventTypeName: transition.eventType, issue, actor, timestampMs: now, history, comment: undefined };
}

/** Adds a comment; Jira announces it as `jira:issue_updated` / `issue_commented` with a `comment` and no changelog. */
export function commentOnIssue(state: JiraState, issue: JiraIssue, body: string, actor: JiraUser): IssueEvent {
  const now = state.clock.now();
  const comment: IssueComment = { id: String(state.nextCommentId++), authorKey: actor.key, body, createdMs: now, updatedMs: now };
  issue.comments.push(comment);
  issue.updatedMs = now;
  return { webhookEvent: "jira:issue_updated", eventTypeName: "issue_commented", issue, actor, timestampMs: now, history: undefined, comment };
}

/** An issue type by id or name (case-insensitive). */
export function issueTypeOf(value: { id?: unknown; name?: unknown }): string | undefined {
  if (typeof value.id === "string" || typeof value.id === "number") return ISSUE_TYPES.find((t) => t.id === String(value.id))?.id;
  if (typeof value.name === "string") return ISSUE_TYPES.find((t) => t.name.toLowerCase() === (value.name as string).toLowerCase())?.id;
  return undefined;
}
