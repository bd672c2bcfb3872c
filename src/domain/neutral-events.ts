/*
 * Provider-neutral events: what a verified webhook means, whatever provider sent it. Provider folders
 * produce them; sync consumes them. `ordering` is the provider's ordering value of the change (D10):
 * Azure's `rev`, Jira's timestamp, GitHub's `issue.updated_at` in epoch milliseconds.
 */

export interface AssigneeChanged {
  type: "assignee_changed";
  integrationId: number;
  externalIssueKey: string;
  /** The new assignee's email; null when unassigned or when the provider named someone without one. */
  email: string | null;
  /** A provider login such as `@octocat` (GitHub), matched through external actors (§5.3). */
  externalActor?: string | null;
  /** A display name the provider gave without an email (Jira without email access). */
  displayName?: string | null;
  /** false: the ticket is now unassigned. */
  assigned: boolean;
  ordering: number | null;
}

export interface StatusChanged {
  type: "status_changed";
  integrationId: number;
  externalIssueKey: string;
  /** true: the ticket entered a resolved/done state; false: it left one. */
  resolved: boolean;
  ordering: number | null;
}

export type SyncEvent = AssigneeChanged | StatusChanged;
