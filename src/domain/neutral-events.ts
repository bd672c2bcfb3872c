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

/*
 * Repository and installation events (GitHub push, pull_request, installation): records to store rather
 * than ticket changes to sync. `externalId` values are the provider's ids as strings.
 */

/** The repository a delivery names, as the provider identifies it. */
export interface RepositoryRef {
  externalId: string;
  name: string;
  url: string | null;
}

/** A commit author as the provider gave it; the store resolves it to a commit author row by email. */
export interface CommitAuthorRef {
  name: string;
  email: string;
  /** The provider login (`github:<login>`), when the provider named one. */
  externalId: string | null;
}

export interface PushedCommit {
  key: string;
  message: string;
  /** UTC ISO-8601 with `Z` (D6); null when the provider sent no usable time. */
  date: string | null;
  author: CommitAuthorRef | null;
  /** Files by change type: `A` added, `M` modified, `D` removed. */
  files: Array<{ filename: string; type: "A" | "M" | "D" }>;
}

export interface RepositoryPushed {
  type: "repository_pushed";
  installationExternalId: string;
  repository: RepositoryRef;
  commits: PushedCommit[];
}

export interface PullRequestChanged {
  type: "pull_request_changed";
  installationExternalId: string;
  repository: RepositoryRef;
  /** The pull request number, as a string key. */
  key: string;
  title: string | null;
  message: string | null;
  author: CommitAuthorRef | null;
  /** Only set when the pull request was merged (Sentry trusts it only then). */
  mergeCommitSha: string | null;
}

export interface Installed {
  type: "installed";
  provider: string;
  externalId: string;
  name: string;
  /** Non-secret metadata; secrets are sealed by whoever stores it. */
  metadata: Record<string, unknown>;
}

export interface Uninstalled {
  type: "uninstalled";
  provider: string;
  externalId: string;
}

export type RepositoryEvent = RepositoryPushed | PullRequestChanged;
export type InstallationEvent = Installed | Uninstalled;
