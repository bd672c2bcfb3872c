import type { SimClock } from "../shared/sim-clock.js";
import { ConsumerRegistry } from "./consumers.js";
import { NonceStore } from "./nonce-store.js";
import { TokenStore } from "./oauth-tokens.js";
import { DEFAULT_STATUSES, type JiraStatus, type Workflow } from "./workflows.js";

/** A Jira Server user: `name` is the username, `key` the stable id (`JIRAUSER10100` on newer servers). */
export interface JiraUser {
  key: string;
  name: string;
  displayName: string;
  /** Absent when the user has none visible (the e-mail visibility setting hides it). */
  emailAddress: string | undefined;
  active: boolean;
  /** Jira administrators may register webhooks. */
  admin: boolean;
  timeZone: string;
  locale: string;
}

export interface IssueType {
  id: string;
  name: string;
  description: string;
  icon: string;
  avatarId: number;
}

export interface Priority {
  id: string;
  name: string;
  statusColor: string;
  icon: string;
}

export interface JiraProject {
  id: string;
  key: string;
  name: string;
  description: string;
  leadKey: string;
  workflow: Workflow;
  nextIssueNumber: number;
}

/** One changelog item as Jira writes it (§3.4): user fields hold user keys, status fields status ids. */
export interface ChangeItem {
  field: string;
  fieldtype: "jira" | "custom";
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
}

export interface ChangeHistory {
  id: string;
  authorKey: string;
  createdMs: number;
  items: ChangeItem[];
}

export interface IssueComment {
  id: string;
  authorKey: string;
  body: string;
  createdMs: number;
  updatedMs: number;
}

export interface JiraIssue {
  id: string;
  key: string;
  projectId: string;
  issueTypeId: string;
  summary: string;
  description: string | null;
  assigneeKey: string | null;
  reporterKey: string | null;
  creatorKey: string;
  statusId: string;
  priorityId: string;
  resolutionId: string | null;
  resolutionDateMs: number | null;
  createdMs: number;
  updatedMs: number;
  labels: string[];
  comments: IssueComment[];
  histories: ChangeHistory[];
}

/** A webhook registered through `/rest/webhooks/1.0/webhook` (§3.4). */
export interface JiraWebhook {
  id: number;
  name: string;
  url: string;
  events: string[];
  /** The `issue-related-events-section` filter: JQL an issue must match for issue events. */
  jqlFilter: string;
  excludeBody: boolean;
  enabled: boolean;
  lastUpdatedUserKey: string;
  lastUpdatedMs: number;
}

export const RESOLUTION_DONE = { id: "10000", name: "Done", description: "Work has been completed on this issue." };

export const ISSUE_TYPES: IssueType[] = [
  { id: "1", name: "Bug", description: "A problem which impairs or prevents the functions of the product.", icon: "bug.svg", avatarId: 10303 },
  { id: "3", name: "Task", description: "A task that needs to be done.", icon: "task.svg", avatarId: 10318 },
  { id: "4", name: "Improvement", description: "An improvement or enhancement to an existing feature or task.", icon: "improvement.svg", avatarId: 10310 },
  { id: "10001", name: "Story", description: "Created by Jira Software - do not edit or delete. Issue type for a user story.", icon: "story.svg", avatarId: 10315 },
];

export const PRIORITIES: Priority[] = [
  { id: "1", name: "Highest", statusColor: "#d04437", icon: "highest.svg" },
  { id: "2", name: "High", statusColor: "#f15C75", icon: "high.svg" },
  { id: "3", name: "Medium", statusColor: "#f79232", icon: "medium.svg" },
  { id: "4", name: "Low", statusColor: "#707070", icon: "low.svg" },
  { id: "5", name: "Lowest", statusColor: "#999999", icon: "lowest.svg" },
];
export const DEFAULT_PRIORITY_ID = "3";

/** Everything the simulated Jira Server holds. */
export class JiraState {
  readonly consumers = new ConsumerRegistry();
  readonly tokens = new TokenStore();
  readonly nonces = new NonceStore();
  readonly users = new Map<string, JiraUser>();
  readonly projects = new Map<string, JiraProject>();
  readonly issues = new Map<string, JiraIssue>();
  readonly webhooks = new Map<number, JiraWebhook>();
  readonly statuses: JiraStatus[] = DEFAULT_STATUSES.map((s) => ({ ...s }));
  /** Timestamps more than this many seconds from now are refused (§3.1; net.oauth's default). */
  timestampWindowSeconds = 300;
  /** Who approves on the authorize page, and whether they approve. */
  authorizingUser: string | undefined;
  consent: "approve" | "deny" = "approve";
  /** An extra receiver of every delivery, besides the registered webhooks. */
  webhookTarget: string | undefined;
  nextUserNumber = 10000;
  nextProjectId = 10000;
  nextIssueId = 10000;
  nextChangeId = 10000;
  nextCommentId = 10000;
  nextWebhookId = 1;

  constructor(readonly clock: SimClock) {}

  /** A user by username (case-insensitive, as Jira Server's user names are). */
  userByName(name: string | null | undefined): JiraUser | undefined {
    if (!name) return undefined;
    const lower = name.toLowerCase();
    for (const user of this.users.values()) if (user.name.toLowerCase() === lower) return user;
    return undefined;
  }

  userByKey(key: string | null | undefined): JiraUser | undefined {
    return key ? this.users.get(key) : undefined;
  }

  /** A project by key (case-insensitive) or id. */
  project(keyOrId: string | undefined): JiraProject | undefined {
    if (!keyOrId) return undefined;
    const byId = this.projects.get(keyOrId);
    if (byId) return byId;
    const upper = keyOrId.toUpperCase();
    for (const p of this.projects.values()) if (p.key === upper) return p;
    return undefined;
  }

  /** An issue by key (case-insensitive) or id. */
  issue(keyOrId: string | undefined): JiraIssue | undefined {
    if (!keyOrId) return undefined;
    const byId = this.issues.get(keyOrId);
    if (byId) return byId;
    const upper = keyOrId.toUpperCase();
    for (const i of this.issues.values()) if (i.key === upper) return i;
    return undefined;
  }

  status(id: string): JiraStatus | undefined {
    return this.statuses.find((s) => s.id === id);
  }

  /** A status by name (case-insensitive) or id. */
  statusByNameOrId(value: string): JiraStatus | undefined {
    const lower = value.toLowerCase();
    return this.statuses.find((s) => s.id === value || s.name.toLowerCase() === lower);
  }

  clear(): void {
    this.consumers.clear();
    this.tokens.clear();
    this.nonces.clear();
    this.users.clear();
    this.projects.clear();
    this.issues.clear();
    this.webhooks.clear();
    this.statuses.splice(0, this.statuses.length, ...DEFAULT_STATUSES.map((s) => ({ ...s })));
    this.timestampWindowSeconds = 300;
    this.authorizingUser = undefined;
    this.consent = "approve";
    this.nextUserNumber = 10000;
    this.nextProjectId = 10000;
    this.nextIssueId = 10000;
    this.nextChangeId = 10000;
    this.nextCommentId = 10000;
    this.nextWebhookId = 1;
  }
}
