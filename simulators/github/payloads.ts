import { createHash } from "node:crypto";
import type { GithubComment, GithubInstallation, GithubIssue, GithubRepo, GithubState, GithubUser } from "./state.js";

/** An account as GitHub's REST API and webhooks show it (`simple-user`). */
export function userJson(base: string, user: GithubUser) {
  return {
    login: user.login,
    id: user.id,
    node_id: user.nodeId,
    avatar_url: `${base}/avatars/u/${user.id}?v=4`,
    gravatar_id: "",
    url: `${base}/users/${encodeURIComponent(user.login)}`,
    html_url: `${base}/${encodeURIComponent(user.login)}`,
    type: user.type,
    site_admin: false,
  };
}

const userByLogin = (base: string, state: GithubState, login: string) => userJson(base, state.user(login));

/** A repository; `epochTimes` gives the `push` event flavour, whose timestamps are epoch integers (§1.7). */
export function repoJson(base: string, repo: GithubRepo, state: GithubState, epochTimes = false) {
  const fullName = `${repo.owner}/${repo.name}`;
  const time = (iso: string) => (epochTimes ? Math.floor(Date.parse(iso) / 1000) : iso);
  return {
    id: repo.id,
    node_id: repo.nodeId,
    name: repo.name,
    full_name: fullName,
    private: repo.private,
    owner: userByLogin(base, state, repo.owner),
    html_url: `${base}/${fullName}`,
    description: null,
    fork: false,
    url: `${base}/repos/${fullName}`,
    issues_url: `${base}/repos/${fullName}/issues{/number}`,
    created_at: time(repo.created_at),
    updated_at: repo.pushed_at,
    pushed_at: time(repo.pushed_at),
    default_branch: "main",
    visibility: repo.private ? "private" : "public",
    has_issues: true,
    archived: false,
    disabled: false,
    open_issues_count: [...repo.issues.values()].filter((i) => i.state === "open").length,
  };
}

/** A label; ids are derived from the name so that they stay stable. */
export function labelJson(base: string, repo: GithubRepo, name: string) {
  const id = Number.parseInt(createHash("sha1").update(`${repo.id}/${name}`).digest("hex").slice(0, 10), 16);
  return { id, node_id: `LA_kwDO${id.toString(36)}`, url: `${base}/repos/${repo.owner}/${repo.name}/labels/${encodeURIComponent(name)}`, name, color: "ededed", default: false, description: null };
}

/** An issue as GitHub's REST API and webhooks show it. */
export function issueJson(base: string, repo: GithubRepo, issue: GithubIssue, state: GithubState) {
  const repoUrl = `${base}/repos/${repo.owner}/${repo.name}`;
  const url = `${repoUrl}/issues/${issue.number}`;
  const assignees = issue.assignees.map((login) => userByLogin(base, state, login));
  return {
    url,
    repository_url: repoUrl,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: `${base}/${repo.owner}/${repo.name}/issues/${issue.number}`,
    id: issue.id,
    node_id: issue.nodeId,
    number: issue.number,
    title: issue.title,
    user: userByLogin(base, state, issue.user),
    labels: issue.labels.map((name) => labelJson(base, repo, name)),
    state: issue.state,
    locked: false,
    assignee: assignees[0] ?? null,
    assignees,
    milestone: null,
    comments: issue.comments.length,
    created_at: issue.created_at,
    updated_at: issue.updated_at,
    closed_at: issue.closed_at,
    closed_by: issue.closed_by ? userByLogin(base, state, issue.closed_by) : null,
    author_association: issue.user.toLowerCase() === repo.owner.toLowerCase() ? "OWNER" : "NONE",
    active_lock_reason: null,
    body: issue.body,
    reactions: { url: `${url}/reactions`, total_count: 0, "+1": 0, "-1": 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0 },
    timeline_url: `${url}/timeline`,
    performed_via_github_app: null,
    state_reason: issue.state_reason,
  };
}

/** A comment on an issue. */
export function commentJson(base: string, repo: GithubRepo, issue: GithubIssue, comment: GithubComment, state: GithubState) {
  const repoUrl = `${base}/repos/${repo.owner}/${repo.name}`;
  return {
    url: `${repoUrl}/issues/comments/${comment.id}`,
    html_url: `${base}/${repo.owner}/${repo.name}/issues/${issue.number}#issuecomment-${comment.id}`,
    issue_url: `${repoUrl}/issues/${issue.number}`,
    id: comment.id,
    node_id: comment.nodeId,
    user: userByLogin(base, state, comment.user),
    created_at: comment.created_at,
    updated_at: comment.updated_at,
    author_association: "NONE",
    body: comment.body,
    performed_via_github_app: null,
  };
}

/**
 * An installation (§1.3). The REST flavour has ISO timestamps; the webhook flavour carries
 * `created_at`/`updated_at` as epoch integers, as GitHub's installation events do (§1.7).
 */
export function installationJson(base: string, inst: GithubInstallation, state: GithubState, flavour: "rest" | "webhook" = "rest") {
  const account = state.user(inst.account);
  const time = (iso: string) => (flavour === "webhook" ? Math.floor(Date.parse(iso) / 1000) : iso);
  const settings = account.type === "Organization" ? `organizations/${account.login}/settings` : "settings";
  return {
    id: inst.id,
    client_id: state.clientId,
    account: userJson(base, account),
    repository_selection: inst.repositorySelection,
    access_tokens_url: `${base}/app/installations/${inst.id}/access_tokens`,
    repositories_url: `${base}/installation/repositories`,
    html_url: `${base}/${settings}/installations/${inst.id}`,
    app_id: state.appId,
    app_slug: state.slug,
    target_id: account.id,
    target_type: account.type,
    permissions: { ...inst.permissions },
    events: [...inst.events],
    created_at: time(inst.created_at),
    updated_at: time(inst.updated_at),
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: inst.suspended_by ? userByLogin(base, state, inst.suspended_by) : null,
    suspended_at: inst.suspended_at,
  };
}

/** The app itself (`GET /app`). */
export function appJson(base: string, state: GithubState) {
  // The account that registered the app; not one of the simulated installations' accounts.
  const owner: GithubUser = { id: 90_000_000 + (state.appId % 1_000_000), login: "switchboard-dev", nodeId: "O_kgDOswitchboard", type: "Organization", assignable: false };
  return {
    id: state.appId,
    slug: state.slug,
    node_id: `A_kwHO${state.appId.toString(36)}`,
    client_id: state.clientId,
    owner: userJson(base, owner),
    name: state.name,
    description: "Links error groups to GitHub issues.",
    external_url: "http://localhost:9000",
    html_url: `${base}/apps/${state.slug}`,
    created_at: state.appCreatedAt,
    updated_at: state.appCreatedAt,
    permissions: { issues: "write", metadata: "read", contents: "read", pull_requests: "read" },
    events: ["issues", "issue_comment", "pull_request", "push"],
    installations_count: state.installations.size,
  };
}
