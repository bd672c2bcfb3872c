import type { Generated } from "kysely";

/*
 * Row types of every table. Portable conventions, identical in SQLite and PostgreSQL:
 * instants are UTC ISO-8601 text with `Z` (D6), flags are integers 0/1, JSON is text,
 * snowflake ids (organizations, projects, teams) are 53-bit integers.
 */

export interface OrganizationsTable {
  id: number;
  slug: string;
  name: string;
  status: string;
  /** Feature switches (D16) as a JSON object of booleans; absent keys take the defaults. */
  features: string;
  date_added: string;
}

export interface UsersTable {
  id: Generated<number>;
  username: string;
  name: string;
  password_hash: string | null;
  is_active: number;
  date_joined: string;
}

export interface UserEmailsTable {
  id: Generated<number>;
  user_id: number;
  email: string;
  is_verified: number;
  date_added: string;
}

export interface OrganizationMembersTable {
  id: Generated<number>;
  organization_id: number;
  user_id: number;
  role: string;
  date_added: string;
}

export interface TeamsTable {
  id: number;
  organization_id: number;
  slug: string;
  name: string;
  status: string;
  date_added: string;
}

export interface TeamMembersTable {
  id: Generated<number>;
  team_id: number;
  member_id: number;
  is_active: number;
  date_added: string;
}

export interface ProjectsTable {
  id: number;
  organization_id: number;
  slug: string;
  name: string;
  platform: string | null;
  status: string;
  /** Next per-project number for group short ids. */
  group_counter: number;
  date_added: string;
}

export interface ProjectTeamsTable {
  id: Generated<number>;
  project_id: number;
  team_id: number;
}

export interface ProjectKeysTable {
  id: Generated<number>;
  project_id: number;
  label: string;
  public_key: string;
  secret_key: string;
  is_active: number;
  date_added: string;
}

export interface GroupsTable {
  id: Generated<number>;
  project_id: number;
  short_id: number;
  fingerprint_hash: string;
  title: string;
  culprit: string;
  message: string;
  level: string;
  status: string;
  first_seen: string;
  last_seen: string;
  times_seen: number;
  resolved_at: string | null;
  data: string;
}

export interface EventsTable {
  id: Generated<number>;
  project_id: number;
  group_id: number;
  event_id: string;
  timestamp: string;
  received: string;
  level: string;
  message: string;
  platform: string | null;
  data: string;
}

export interface ActivityTable {
  id: Generated<number>;
  project_id: number;
  group_id: number;
  type: string;
  user_id: number | null;
  data: string;
  datetime: string;
}

export interface GroupHistoryTable {
  id: Generated<number>;
  organization_id: number;
  project_id: number;
  group_id: number;
  status: string;
  user_id: number | null;
  team_id: number | null;
  date_added: string;
}

export interface GroupSubscriptionsTable {
  id: Generated<number>;
  project_id: number;
  group_id: number;
  user_id: number | null;
  team_id: number | null;
  is_active: number;
  reason: string;
  date_added: string;
}

export interface NotificationSettingsTable {
  id: Generated<number>;
  scope_type: string;
  scope_identifier: number;
  user_id: number | null;
  team_id: number | null;
  type: string;
  value: string;
  date_added: string;
}

export interface OutboxTable {
  id: Generated<number>;
  shard_scope: string;
  shard_identifier: number;
  category: string;
  object_identifier: number;
  payload: string;
  scheduled_for: string;
  date_added: string;
}

export interface IntegrationsTable {
  id: Generated<number>;
  provider: string;
  external_id: string;
  name: string;
  status: string;
  /** Provider metadata as JSON; secret values inside are vault-sealed strings. */
  metadata: string;
  date_added: string;
  date_updated: string;
}

export interface OrganizationIntegrationsTable {
  id: Generated<number>;
  organization_id: number;
  integration_id: number;
  status: string;
  config: string;
  default_auth_id: number | null;
  date_added: string;
}

export interface IdentitiesTable {
  id: Generated<number>;
  provider: string;
  external_id: string;
  user_id: number | null;
  /** Vault-sealed JSON of the secret fields (tokens, keys). */
  credential: string;
  /** Non-secret data (scopes, account info) as JSON. */
  data: string;
  scopes: string;
  status: string;
  /** Compare-and-swap version: every credential write increments it (D2). */
  version: number;
  /** Access-token expiry in epoch seconds, or null when unknown. */
  expires_at: number | null;
  /** Set before a token endpoint is called, cleared when its answer is stored. */
  refresh_intent_at: string | null;
  refresh_intent_id: string | null;
  last_refreshed_at: string | null;
  last_error: string | null;
  date_added: string;
  date_updated: string;
}

/** Authorization failures of one credential, counted per class (0009). */
export interface AuthFailuresTable {
  id: Generated<number>;
  provider: string;
  external_id: string;
  /** revoked | rotated_by_sibling | provider_outage | clock_skew | replication_delay | configuration_error | lock_contention */
  failure_class: string;
  count: number;
  first_at: string;
  last_at: string;
  /** A short description without secrets. */
  last_message: string | null;
}

export interface ExternalIssuesTable {
  id: Generated<number>;
  organization_id: number;
  integration_id: number;
  key: string;
  title: string | null;
  description: string | null;
  metadata: string;
  date_added: string;
}

export interface GroupLinksTable {
  id: Generated<number>;
  group_id: number;
  project_id: number;
  linked_type: string;
  linked_id: number;
  relationship: string;
  data: string;
  datetime: string;
}

export interface GroupAssigneesTable {
  id: Generated<number>;
  project_id: number;
  group_id: number;
  user_id: number | null;
  team_id: number | null;
  date_added: string;
}

export interface ExternalActorsTable {
  id: Generated<number>;
  organization_id: number;
  integration_id: number;
  provider: string;
  external_name: string;
  external_id: string | null;
  user_id: number | null;
  team_id: number | null;
  date_added: string;
}

export interface RepositoriesTable {
  id: Generated<number>;
  organization_id: number;
  integration_id: number | null;
  provider: string;
  external_id: string;
  name: string;
  url: string | null;
  status: string;
  date_added: string;
}

export interface CommitAuthorsTable {
  id: Generated<number>;
  organization_id: number;
  name: string | null;
  email: string;
  external_id: string | null;
}

export interface CommitsTable {
  id: Generated<number>;
  organization_id: number;
  repository_id: number;
  key: string;
  author_id: number | null;
  message: string | null;
  date_added: string;
}

export interface CommitFileChangesTable {
  id: Generated<number>;
  organization_id: number;
  commit_id: number;
  filename: string;
  type: string;
}

export interface PullRequestsTable {
  id: Generated<number>;
  organization_id: number;
  repository_id: number;
  key: string;
  title: string | null;
  message: string | null;
  author_id: number | null;
  merge_commit_sha: string | null;
  date_added: string;
}

export interface ApiTokensTable {
  id: Generated<number>;
  organization_id: number;
  name: string;
  token_hash: string;
  token_last_characters: string;
  scopes: string;
  date_added: string;
  last_used: string | null;
}

export interface QueueJobsTable {
  id: Generated<number>;
  queue: string;
  name: string;
  payload: string;
  /** waiting | active | completed | dead */
  state: string;
  attempts: number;
  max_attempts: number;
  backoff_ms: number;
  /** Epoch milliseconds at which the job may run next. */
  run_at: number;
  /** Epoch milliseconds until which the current worker holds the job. */
  locked_until: number | null;
  locked_by: string | null;
  dedupe_key: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface Database {
  organizations: OrganizationsTable;
  users: UsersTable;
  user_emails: UserEmailsTable;
  organization_members: OrganizationMembersTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  projects: ProjectsTable;
  project_teams: ProjectTeamsTable;
  project_keys: ProjectKeysTable;
  groups: GroupsTable;
  events: EventsTable;
  activity: ActivityTable;
  group_history: GroupHistoryTable;
  group_subscriptions: GroupSubscriptionsTable;
  notification_settings: NotificationSettingsTable;
  outbox: OutboxTable;
  integrations: IntegrationsTable;
  alert_rules: AlertRulesTable;
  alert_rule_fires: AlertRuleFiresTable;
  organization_integrations: OrganizationIntegrationsTable;
  identities: IdentitiesTable;
  auth_failures: AuthFailuresTable;
  external_issues: ExternalIssuesTable;
  group_links: GroupLinksTable;
  group_assignees: GroupAssigneesTable;
  external_actors: ExternalActorsTable;
  repositories: RepositoriesTable;
  commit_authors: CommitAuthorsTable;
  commits: CommitsTable;
  commit_file_changes: CommitFileChangesTable;
  pull_requests: PullRequestsTable;
  api_tokens: ApiTokensTable;
  queue_jobs: QueueJobsTable;
  sync_watermarks: SyncWatermarksTable;
  sync_log: SyncLogTable;
  unresolved_identities: UnresolvedIdentitiesTable;
  sync_last_written: SyncLastWrittenTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_delivery_attempts: WebhookDeliveryAttemptsTable;
  webhook_rejections: WebhookRejectionsTable;
  web_sessions: WebSessionsTable;
}

export interface WebhookDeliveriesTable {
  id: Generated<number>;
  provider: string;
  /** The provider's delivery id (GitHub's X-GitHub-Delivery), or a hash of the body when it has none. */
  delivery_id: string;
  event: string;
  /** Which secret verified it: current | previous. */
  verified_by: string;
  /** The headers that matter, as JSON (never signatures or secrets). */
  headers: string;
  body: string;
  /** received | processed | failed | dead */
  state: string;
  attempts: number;
  last_error: string | null;
  received_at: string;
  processed_at: string | null;
  /** The integration it was verified for, when known (GitHub: resolved from the installation id). */
  integration_id: number | null;
}

/** One processing attempt of a delivery and how it ended. */
export interface WebhookDeliveryAttemptsTable {
  id: Generated<number>;
  /** webhook_deliveries.id */
  delivery_id: number;
  /** processed | failed | dead */
  outcome: string;
  error: string | null;
  finished_at: string;
}

/** A request refused before it reached the inbox (bounded; never the body or a secret). */
export interface WebhookRejectionsTable {
  id: Generated<number>;
  provider: string;
  /** The integration the request claimed or was checked against, when one was found. */
  integration_id: number | null;
  /** The error code answered, e.g. webhook_signature_mismatch. */
  reason: string;
  /** Which secret(s) the request was checked against: current+previous, subscription, webhook_secret, none. */
  secret_tried: string;
  /** A few safe headers as JSON. */
  headers: string;
  received_at: string;
}

export interface SyncWatermarksTable {
  id: Generated<number>;
  organization_id: number;
  integration_id: number;
  external_issue_key: string;
  /** assignee | status */
  field: string;
  /** The provider's ordering value of the last applied change (D10): Azure rev, Jira/GitHub time in ms. */
  last_ordering: number;
  updated_at: string;
}

export interface SyncLogTable {
  id: Generated<number>;
  organization_id: number;
  group_id: number | null;
  integration_id: number;
  external_issue_key: string;
  direction: string;
  field: string;
  outcome: string;
  reason: string;
  detail: string;
  created_at: string;
}

export interface UnresolvedIdentitiesTable {
  id: Generated<number>;
  organization_id: number;
  integration_id: number;
  provider: string;
  /** email | external_actor | missing_email */
  kind: string;
  value: string;
  external_issue_key: string;
  status: string;
  occurrences: number;
  first_seen: string;
  last_seen: string;
}

export interface SyncLastWrittenTable {
  id: Generated<number>;
  external_issue_id: number;
  field: string;
  value: string;
  written_at: string;
}

/** A dashboard login (migration 0011): only hashes of the cookie value and of the CSRF token are kept. */
export interface WebSessionsTable {
  id: Generated<number>;
  token_hash: string;
  user_id: number;
  csrf_hash: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

/** A project alert rule (migration 0008): Sentry's rule shape, conditions and actions as JSON. */
export interface AlertRulesTable {
  id: Generated<number>;
  organization_id: number;
  project_id: number;
  label: string;
  /** any | all */
  action_match: string;
  /** JSON `[{id}]` of condition ids (first seen, regression). */
  conditions: string;
  /** JSON `[{id, account, team, priority}]` (Opsgenie team notifications). */
  actions: string;
  /** active | deleted */
  status: string;
  last_fired_at: string | null;
  last_error: string | null;
  /** Consecutive failed sends; reset by a successful one. */
  failure_count: number;
  /** `token:<id>` or `user:<id>`. */
  created_by: string | null;
  date_added: string;
  date_updated: string;
}

/** One (rule, group) that alerted (migration 0008): what resolving the group acknowledges. */
export interface AlertRuleFiresTable {
  id: Generated<number>;
  rule_id: number;
  group_id: number;
  alias: string;
  /** sending | sent | failed | acknowledged */
  state: string;
  times_fired: number;
  last_error: string | null;
  date_added: string;
  date_updated: string;
}
