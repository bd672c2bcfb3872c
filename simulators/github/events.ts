import { randomBytes, randomInt } from "node:crypto";
import { commentJson, installationJson, issueJson, repoJson, userJson } from "./payloads.js";
import { isoSeconds, nodeId, type GithubComment, type GithubInstallation, type GithubIssue, type GithubRepo, type GithubState } from "./state.js";

/** What every payload builder needs: the base URL for links and the state for lookups. */
export interface EventContext {
  base: string;
  state: GithubState;
  nowSeconds: number;
}

type Payload = Record<string, unknown>;

/** The `installation` stub every App-delivered event carries (§1.7), with GitHub's legacy node id (`base64("023:IntegrationInstallation<id>")`). */
export function installationStub(installationId: number): Payload {
  return { id: installationId, node_id: Buffer.from(`023:IntegrationInstallation${installationId}`).toString("base64") };
}

const sender = (ctx: EventContext, login: string) => userJson(ctx.base, ctx.state.user(login));

/** `issues` (§1.7): the issue after the change; `extra` carries the delta (`assignee`, `label`, `changes`). */
export function issuesEvent(ctx: EventContext, action: string, repo: GithubRepo, issue: GithubIssue, by: string, extra: Payload = {}): Payload {
  return {
    action,
    issue: issueJson(ctx.base, repo, issue, ctx.state),
    ...extra,
    repository: repoJson(ctx.base, repo, ctx.state),
    sender: sender(ctx, by),
    installation: installationStub(repo.installationId),
  };
}

/** `issue_comment`. */
export function issueCommentEvent(ctx: EventContext, action: string, repo: GithubRepo, issue: GithubIssue, comment: GithubComment, by: string): Payload {
  return {
    action,
    issue: issueJson(ctx.base, repo, issue, ctx.state),
    comment: commentJson(ctx.base, repo, issue, comment, ctx.state),
    repository: repoJson(ctx.base, repo, ctx.state),
    sender: sender(ctx, by),
    installation: installationStub(repo.installationId),
  };
}

/** `installation` (created, deleted, suspend, unsuspend), with epoch timestamps as GitHub sends them (§1.7). */
export function installationEvent(ctx: EventContext, action: string, inst: GithubInstallation, by: string): Payload {
  const repositories = ctx.state.reposOf(inst.id).map((r) => ({ id: r.id, node_id: r.nodeId, name: r.name, full_name: `${r.owner}/${r.name}`, private: r.private }));
  return {
    action,
    installation: installationJson(ctx.base, inst, ctx.state, "webhook"),
    ...(action === "created" || action === "deleted" ? { repositories } : {}),
    ...(action === "created" ? { requester: null } : {}),
    sender: sender(ctx, by),
  };
}

const ZEN = ["Anything added dilutes everything else.", "Keep it logically awesome.", "Design for failure.", "Speak like a human.", "Half measures are as bad as nothing at all."];

/** `ping`, sent when the App's webhook is configured (§1.7): no installation, `hook.type` "App". */
export function pingEvent(ctx: EventContext): Payload {
  const { state } = ctx;
  return {
    zen: ZEN[randomInt(ZEN.length)],
    hook_id: state.hookId,
    hook: {
      type: "App",
      id: state.hookId,
      name: "web",
      active: true,
      events: ["*"],
      config: { content_type: state.webhookContentType, insecure_ssl: "0", url: state.webhookUrl ?? "" },
      updated_at: state.appCreatedAt,
      created_at: state.appCreatedAt,
      app_id: state.appId,
      deliveries_url: `${ctx.base}/app/hook/deliveries`,
    },
  };
}

export interface PushOptions {
  ref?: string;
  before?: string;
  after?: string;
  /** Commit messages; one commit each. */
  messages?: string[];
  pusher?: string;
}

const sha = () => randomBytes(20).toString("hex");

/** `push`: no action; repository timestamps are epoch integers (§1.7). */
export function pushEvent(ctx: EventContext, repo: GithubRepo, options: PushOptions = {}): Payload {
  const pusher = ctx.state.user(options.pusher ?? repo.owner);
  const fullName = `${repo.owner}/${repo.name}`;
  const before = options.before ?? sha();
  const ids = (options.messages ?? ["Fix the crash"]).map(() => sha());
  const after = options.after ?? ids.at(-1) ?? sha();
  const email = `${pusher.id}+${pusher.login}@users.noreply.github.com`;
  const commits = (options.messages ?? ["Fix the crash"]).map((message, i) => ({
    id: ids[i],
    tree_id: sha(),
    distinct: true,
    message,
    timestamp: isoSeconds(ctx.nowSeconds),
    url: `${ctx.base}/${fullName}/commit/${ids[i]}`,
    author: { name: pusher.login, email, username: pusher.login },
    committer: { name: pusher.login, email, username: pusher.login },
    added: [],
    removed: [],
    modified: ["README.md"],
  }));
  const deleted = /^0{40}$/.test(after);
  return {
    ref: options.ref ?? "refs/heads/main",
    before,
    after,
    repository: repoJson(ctx.base, repo, ctx.state, true),
    pusher: { name: pusher.login, email },
    sender: sender(ctx, pusher.login),
    installation: installationStub(repo.installationId),
    created: /^0{40}$/.test(before),
    deleted,
    forced: false,
    base_ref: null,
    compare: `${ctx.base}/${fullName}/compare/${before.slice(0, 12)}...${after.slice(0, 12)}`,
    commits: deleted ? [] : commits,
    head_commit: deleted ? null : (commits.at(-1) ?? null),
  };
}

export interface PullRequestOptions {
  action?: string;
  number?: number;
  title?: string;
  body?: string | null;
  merged?: boolean;
  head?: string;
  base?: string;
  author?: string;
}

/** `pull_request`; `merge_commit_sha` is only meaningful when `merged` is true (§1.7). A new number is taken unless given. */
export function pullRequestEvent(ctx: EventContext, repo: GithubRepo, options: PullRequestOptions = {}): Payload {
  const fullName = `${repo.owner}/${repo.name}`;
  // Pull requests share the issue number space.
  const number = options.number ?? repo.nextNumber++;
  const action = options.action ?? "opened";
  const merged = options.merged ?? false;
  const closed = action === "closed";
  const now = isoSeconds(ctx.nowSeconds);
  const id = ctx.state.newIssueId();
  const author = options.author ?? repo.owner;
  return {
    action,
    number,
    pull_request: {
      url: `${ctx.base}/repos/${fullName}/pulls/${number}`,
      id,
      node_id: nodeId("PR", id),
      html_url: `${ctx.base}/${fullName}/pull/${number}`,
      number,
      state: closed ? "closed" : "open",
      locked: false,
      title: options.title ?? "Fix the crash",
      user: sender(ctx, author),
      body: options.body ?? null,
      created_at: now,
      updated_at: now,
      closed_at: closed ? now : null,
      merged_at: closed && merged ? now : null,
      // GitHub fills in a test-merge sha soon after opening, merged or not: only `merged` says it landed.
      merge_commit_sha: action === "opened" ? null : sha(),
      merged: closed && merged,
      head: { label: `${repo.owner}:${options.head ?? "fix-crash"}`, ref: options.head ?? "fix-crash", sha: sha() },
      base: { label: `${repo.owner}:${options.base ?? "main"}`, ref: options.base ?? "main", sha: sha() },
    },
    repository: repoJson(ctx.base, repo, ctx.state),
    sender: sender(ctx, author),
    installation: installationStub(repo.installationId),
  };
}
