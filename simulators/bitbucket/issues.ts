import type { IssueChanges } from "./deliver-webhook.js";
import { renderUser, type LinkBase } from "./render.js";
import { bbTime, type BbIssue, type BbRepository, type BitbucketState, type IssueKind, type IssuePriority, type IssueState } from "./state.js";

/** Fields an issue write may set; `assignee` is a user's `{uuid}` or null. */
export interface IssueFields {
  title?: string;
  content?: string;
  state?: IssueState;
  kind?: IssueKind;
  priority?: IssuePriority;
  assignee?: string | null;
}

/** Creates an issue with the next id of its repository (ids are per repository, from 1). */
export function createIssue(repo: BbRepository, fields: IssueFields & { title: string }, reporter: string | null, nowMs: number): BbIssue {
  const at = bbTime(nowMs);
  const issue: BbIssue = {
    id: repo.nextIssueId++,
    title: fields.title,
    content: fields.content ?? "",
    state: fields.state ?? "new",
    kind: fields.kind ?? "bug",
    priority: fields.priority ?? "major",
    reporter,
    assignee: fields.assignee ?? null,
    createdOn: at,
    updatedOn: at,
    editedOn: null,
    votes: 0,
    watches: reporter ? 1 : 0,
  };
  repo.issues.set(issue.id, issue);
  return issue;
}

/**
 * Applies a write and returns what changed, keyed as `issue:updated` reports it (`status` for the state);
 * a write that changes nothing returns `{}` and leaves `updated_on` alone.
 */
export function updateIssue(state: BitbucketState, base: LinkBase, issue: BbIssue, fields: IssueFields, nowMs: number): IssueChanges {
  const changes: IssueChanges = {};
  const account = (uuid: string | null) => {
    const user = uuid ? state.users.get(uuid) : undefined;
    return user ? renderUser(user, base) : null;
  };
  if (fields.title !== undefined && fields.title !== issue.title) {
    changes.title = { old: issue.title, new: fields.title };
    issue.title = fields.title;
  }
  if (fields.content !== undefined && fields.content !== issue.content) {
    changes.content = { old: issue.content, new: fields.content };
    issue.content = fields.content;
    issue.editedOn = bbTime(nowMs);
  }
  if (fields.state !== undefined && fields.state !== issue.state) {
    changes.status = { old: issue.state, new: fields.state };
    issue.state = fields.state;
  }
  if (fields.kind !== undefined && fields.kind !== issue.kind) {
    changes.kind = { old: issue.kind, new: fields.kind };
    issue.kind = fields.kind;
  }
  if (fields.priority !== undefined && fields.priority !== issue.priority) {
    changes.priority = { old: issue.priority, new: fields.priority };
    issue.priority = fields.priority;
  }
  if (fields.assignee !== undefined && fields.assignee !== issue.assignee) {
    changes.assignee = { old: account(issue.assignee), new: account(fields.assignee) };
    issue.assignee = fields.assignee;
  }
  if (Object.keys(changes).length) {
    // Two changes in one second must still order: updated_on always moves forward.
    const previous = Date.parse(issue.updatedOn);
    issue.updatedOn = bbTime(Math.max(nowMs, previous + 1));
  }
  return changes;
}

/** Reads an issue field for BBQL filters and sorting. */
export function issueField(state: BitbucketState, issue: BbIssue, field: string): string | number | null | undefined {
  const user = (uuid: string | null) => (uuid ? state.users.get(uuid) : undefined);
  switch (field) {
    case "id": return issue.id;
    case "title": return issue.title;
    case "content.raw": return issue.content;
    case "state": return issue.state;
    case "kind": return issue.kind;
    case "priority": return issue.priority;
    case "votes": return issue.votes;
    case "watches": return issue.watches;
    case "created_on": return issue.createdOn;
    case "updated_on": return issue.updatedOn;
    case "edited_on": return issue.editedOn;
    case "assignee": return issue.assignee;
    case "assignee.uuid": return user(issue.assignee)?.uuid ?? null;
    case "assignee.account_id": return user(issue.assignee)?.accountId ?? null;
    case "assignee.nickname": return user(issue.assignee)?.nickname ?? null;
    case "assignee.display_name": return user(issue.assignee)?.displayName ?? null;
    case "reporter": return issue.reporter;
    case "reporter.uuid": return user(issue.reporter)?.uuid ?? null;
    case "reporter.account_id": return user(issue.reporter)?.accountId ?? null;
    case "reporter.nickname": return user(issue.reporter)?.nickname ?? null;
    default: return undefined;
  }
}

export const ISSUE_QUERY_FIELDS: ReadonlySet<string> = new Set([
  "id", "title", "content.raw", "state", "kind", "priority", "votes", "watches", "created_on", "updated_on", "edited_on",
  "assignee", "assignee.uuid", "assignee.account_id", "assignee.nickname", "assignee.display_name",
  "reporter", "reporter.uuid", "reporter.account_id", "reporter.nickname",
]);
