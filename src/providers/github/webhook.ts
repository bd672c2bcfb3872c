import type { CommitAuthorRef, Installed, PullRequestChanged, PushedCommit, RepositoryPushed, RepositoryRef, SyncEvent, Uninstalled } from "../../domain/neutral-events.js";

/** The GitHub events Switchboard handles; the others are acknowledged with 204 and ignored. */
export const HANDLED_GITHUB_EVENTS = new Set(["ping", "installation", "issues", "push", "pull_request"]);

/** Where a repository of a GitHub installation is recorded (Sentry's repository provider name). */
export const GITHUB_REPOSITORY_PROVIDER = "integrations:github";

interface IssuesPayload {
  action?: string;
  issue?: { number?: number; updated_at?: string; assignees?: Array<{ login?: string }> | null };
  repository?: { full_name?: string };
}

/**
 * An `issues` delivery as neutral events (§3.3, later versions): assigned/unassigned use the issue's
 * CURRENT assignees (GitHub sends those events in no reliable order), closed/reopened move the status.
 * `updated_at` is the ordering value (D10).
 */
export function parseIssuesEvent(payload: IssuesPayload, integrationId: number): SyncEvent[] {
  const number = payload.issue?.number;
  const repo = payload.repository?.full_name;
  if (typeof number !== "number" || typeof repo !== "string") return [];
  const key = `${repo}#${number}`;
  const updated = Date.parse(payload.issue?.updated_at ?? "");
  const ordering = Number.isFinite(updated) ? updated : null;
  switch (payload.action) {
    case "assigned":
    case "unassigned": {
      const login = payload.issue?.assignees?.find((a) => typeof a.login === "string")?.login;
      return [{ type: "assignee_changed", integrationId, externalIssueKey: key, email: null, externalActor: login ? `@${login}` : null, assigned: Boolean(login), ordering }];
    }
    case "closed":
    case "reopened":
      return [{ type: "status_changed", integrationId, externalIssueKey: key, resolved: payload.action === "closed", ordering }];
    default:
      return [];
  }
}

type Json = Record<string, unknown>;

const asObject = (value: unknown): Json | undefined => (value && typeof value === "object" && !Array.isArray(value) ? (value as Json) : undefined);
const asString = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
const idOf = (value: unknown): string | undefined => (typeof value === "number" && Number.isSafeInteger(value) ? String(value) : typeof value === "string" && /^\d+$/.test(value) ? value : undefined);

/** The installation id every App-delivered event carries (§1.7). */
export function installationIdOf(payload: unknown): string | undefined {
  return idOf(asObject(asObject(payload)?.installation)?.id);
}

/**
 * An `installation` delivery (§3.3): `created` builds the integration (external id = installation id,
 * name = the account's login, metadata with the sender and account type; no access token is kept),
 * `deleted` removes it. Other actions (suspend, new_permissions_accepted) change nothing here.
 */
export function parseInstallationEvent(payload: unknown): Installed | Uninstalled | null {
  const data = asObject(payload);
  const installation = asObject(data?.installation);
  const externalId = idOf(installation?.id);
  if (!data || !externalId) return null;
  if (data.action === "deleted") return { type: "uninstalled", provider: "github", externalId };
  if (data.action !== "created") return null;
  const account = asObject(installation?.account);
  const sender = asObject(data.sender);
  const senderRef = { id: typeof sender?.id === "number" ? sender.id : null, login: asString(sender?.login) ?? null };
  const login = asString(account?.login) ?? senderRef.login ?? externalId;
  return {
    type: "installed",
    provider: "github",
    externalId,
    name: login,
    metadata: {
      sender: senderRef,
      account_type: asString(account?.type) ?? asString(installation?.target_type) ?? null,
      account_id: typeof account?.id === "number" ? account.id : null,
    },
  };
}

function repositoryOf(value: unknown): RepositoryRef | null {
  const repo = asObject(value);
  const externalId = idOf(repo?.id);
  const name = asString(repo?.full_name);
  if (!externalId || !name) return null;
  return { externalId, name, url: asString(repo?.html_url) ?? null };
}

const ANONYMOUS_EMAIL = /@users\.noreply\.github\.com$/i;

/** Whether an email is one of GitHub's privacy addresses (it names nobody we can match). */
export function isAnonymousEmail(email: string): boolean {
  return ANONYMOUS_EMAIL.test(email);
}

/** Sentry's rule: an "email" without `@` becomes `<first 65 characters>@localhost`. */
function normalizeEmail(email: string): string {
  return email.includes("@") ? email : `${email.slice(0, 65)}@localhost`;
}

function commitAuthorOf(value: unknown): CommitAuthorRef | null {
  const author = asObject(value);
  const email = asString(author?.email);
  if (!email) return null;
  const username = asString(author?.username);
  return { name: (asString(author?.name) ?? "").slice(0, 128), email: normalizeEmail(email), externalId: username ? `github:${username}` : null };
}

function utcDate(value: unknown): string | null {
  const ms = typeof value === "number" ? value * 1000 : Date.parse(asString(value) ?? "");
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

const files = (list: unknown, type: "A" | "M" | "D") => (Array.isArray(list) ? list.filter((f): f is string => typeof f === "string").map((filename) => ({ filename, type })) : []);

/**
 * A `push` delivery (§3.3): the `distinct` commits (a commit pushed again to another branch is not
 * distinct), minus those whose message says `#skipsentry` (Sentry's opt-out), with their authors and
 * file changes.
 */
export function parsePushEvent(payload: unknown): RepositoryPushed | null {
  const data = asObject(payload);
  const installationExternalId = installationIdOf(data);
  const repository = repositoryOf(data?.repository);
  if (!installationExternalId || !repository) return null;
  const commits: PushedCommit[] = [];
  for (const raw of Array.isArray(data?.commits) ? data.commits : []) {
    const commit = asObject(raw);
    const key = asString(commit?.id);
    if (!commit || !key || commit.distinct !== true) continue;
    const message = asString(commit.message) ?? "";
    if (message.includes("#skipsentry")) continue;
    commits.push({
      key,
      message,
      date: utcDate(commit.timestamp),
      author: commitAuthorOf(commit.author),
      files: [...files(commit.added, "A"), ...files(commit.modified, "M"), ...files(commit.removed, "D")],
    });
  }
  return { type: "repository_pushed", installationExternalId, repository, commits };
}

/**
 * A `pull_request` delivery (§3.3): keyed by number; the author is matched as `github:<login>`, else by
 * `<login>@localhost`; `merge_commit_sha` is kept only when the pull request was merged.
 */
export function parsePullRequestEvent(payload: unknown): PullRequestChanged | null {
  const data = asObject(payload);
  const installationExternalId = installationIdOf(data);
  const repository = repositoryOf(data?.repository);
  const pr = asObject(data?.pull_request);
  const number = idOf(pr?.number ?? data?.number);
  if (!installationExternalId || !repository || !pr || !number) return null;
  const login = asString(asObject(pr.user)?.login);
  return {
    type: "pull_request_changed",
    installationExternalId,
    repository,
    key: number,
    title: asString(pr.title) ?? null,
    message: asString(pr.body) ?? null,
    author: login ? { name: login.slice(0, 128), email: `${login.slice(0, 65)}@localhost`, externalId: `github:${login}` } : null,
    mergeCommitSha: pr.merged === true ? (asString(pr.merge_commit_sha) ?? null) : null,
  };
}
