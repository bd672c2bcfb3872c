import { isoSeconds, nodeId, type GithubIssue, type GithubRepo, type GithubState } from "./state.js";

/** One change to an issue, named by the `issues` webhook action it produces. */
export interface IssueChange {
  action: "opened" | "edited" | "assigned" | "unassigned" | "labeled" | "unlabeled" | "closed" | "reopened";
  /** Login added or removed (assigned / unassigned). */
  assignee?: string;
  /** Label added or removed (labeled / unlabeled). */
  label?: string;
  /** Previous values (edited), as GitHub's `changes` object. */
  changes?: Record<string, { from: unknown }>;
}

/** GitHub's per-issue cap on assignees. */
export const MAX_ASSIGNEES = 10;

/** The state reasons GitHub accepts on update. */
export const STATE_REASONS = ["completed", "not_planned", "reopened", "duplicate"] as const;

export interface NewIssue {
  title: string;
  body?: string | null;
  assignees?: string[];
  labels?: string[];
  author: string;
}

/** Creates an issue with the repository's next number (issues and pull requests share numbers). */
export function createIssue(state: GithubState, repo: GithubRepo, fields: NewIssue, nowSeconds: number): GithubIssue {
  const at = isoSeconds(nowSeconds);
  const id = state.newIssueId();
  const issue: GithubIssue = {
    id,
    nodeId: nodeId("I", id),
    number: repo.nextNumber++,
    title: fields.title,
    body: fields.body ?? null,
    state: "open",
    state_reason: null,
    assignees: uniqueLogins(fields.assignees ?? []).slice(0, MAX_ASSIGNEES),
    labels: [...new Set(fields.labels ?? [])],
    comments: [],
    created_at: at,
    updated_at: at,
    closed_at: null,
    closed_by: null,
    user: fields.author,
  };
  repo.issues.set(issue.number, issue);
  return issue;
}

/** Moves `updated_at` forward: to now, and always at least one second past its previous value (D10 ordering). */
export function touch(issue: GithubIssue, nowSeconds: number): void {
  const previous = Math.floor(Date.parse(issue.updated_at) / 1000);
  issue.updated_at = isoSeconds(Math.max(nowSeconds, previous + 1));
}

function uniqueLogins(logins: string[]): string[] {
  return [...new Map(logins.map((l) => [l.toLowerCase(), l])).values()];
}

/** Replaces the assignee list; one `unassigned` per login removed, then one `assigned` per login added. */
export function replaceAssignees(issue: GithubIssue, logins: string[]): IssueChange[] {
  const wanted = uniqueLogins(logins).slice(0, MAX_ASSIGNEES);
  const before = new Set(issue.assignees.map((l) => l.toLowerCase()));
  const after = new Set(wanted.map((l) => l.toLowerCase()));
  const removed = issue.assignees.filter((l) => !after.has(l.toLowerCase()));
  const added = wanted.filter((l) => !before.has(l.toLowerCase()));
  // Keep the existing order for those who stay, so `assignee` (the first) does not jump around.
  issue.assignees = [...issue.assignees.filter((l) => after.has(l.toLowerCase())), ...added];
  return [...removed.map((l): IssueChange => ({ action: "unassigned", assignee: l })), ...added.map((l): IssueChange => ({ action: "assigned", assignee: l }))];
}

/** Adds assignees, keeping those already there (capped at ten). */
export function addAssignees(issue: GithubIssue, logins: string[]): IssueChange[] {
  return replaceAssignees(issue, [...issue.assignees, ...logins]);
}

/** Removes the given assignees (case-insensitive); unknown logins change nothing. */
export function removeAssignees(issue: GithubIssue, logins: string[]): IssueChange[] {
  const gone = new Set(logins.map((l) => l.toLowerCase()));
  return replaceAssignees(issue, issue.assignees.filter((l) => !gone.has(l.toLowerCase())));
}

/** Opens or closes the issue; closing records who and when, reopening sets `state_reason: "reopened"`. */
export function setIssueState(issue: GithubIssue, state: "open" | "closed", reason: string | null | undefined, by: string, nowSeconds: number): IssueChange[] {
  if (state === issue.state) {
    // GitHub lets a closed issue's reason be changed without reopening it.
    if (state === "closed" && reason && reason !== issue.state_reason) issue.state_reason = reason;
    return [];
  }
  issue.state = state;
  if (state === "closed") {
    issue.state_reason = reason ?? "completed";
    issue.closed_at = isoSeconds(nowSeconds);
    issue.closed_by = by;
    return [{ action: "closed" }];
  }
  issue.state_reason = "reopened";
  issue.closed_at = null;
  issue.closed_by = null;
  return [{ action: "reopened" }];
}

/** Changes title and/or body; one `edited` with the previous values. */
export function editIssue(issue: GithubIssue, fields: { title?: string; body?: string | null }): IssueChange[] {
  const changes: Record<string, { from: unknown }> = {};
  if (fields.title !== undefined && fields.title !== issue.title) {
    changes.title = { from: issue.title };
    issue.title = fields.title;
  }
  if (fields.body !== undefined && fields.body !== issue.body) {
    changes.body = { from: issue.body };
    issue.body = fields.body;
  }
  return Object.keys(changes).length ? [{ action: "edited", changes }] : [];
}

/** Replaces the label set; `unlabeled` / `labeled` per label. */
export function replaceLabels(issue: GithubIssue, labels: string[]): IssueChange[] {
  const wanted = [...new Set(labels)];
  const removed = issue.labels.filter((l) => !wanted.includes(l));
  const added = wanted.filter((l) => !issue.labels.includes(l));
  issue.labels = wanted;
  return [...removed.map((label): IssueChange => ({ action: "unlabeled", label })), ...added.map((label): IssueChange => ({ action: "labeled", label }))];
}
