import { eventContext, nowSeconds, type GithubContext } from "./context.js";
import type { GithubDeliveryRecord } from "./deliver-webhook.js";
import { installationEvent, pingEvent, pullRequestEvent, pushEvent, type PullRequestOptions, type PushOptions } from "./events.js";
import { announceIssueChanges, installationActive } from "./issue-events.js";
import { addAssignees, createIssue, editIssue, removeAssignees, replaceAssignees, setIssueState, touch, type IssueChange } from "./issues.js";
import { installationJson, issueJson } from "./payloads.js";
import type { RateResource } from "./rate-limit.js";
import { installationBucket } from "./request-auth.js";
import { DEFAULT_EVENTS, DEFAULT_PERMISSIONS, isoSeconds, nodeId, type AccountType, type GithubInstallation, type GithubIssue, type GithubRepo, type Permissions } from "./state.js";
import { mintToken, revokeTokens } from "./tokens.js";

/** A control call that cannot be done (unknown object, bad input); `/_sim/` answers it with 400. */
export class ControlError extends Error {}

export interface CreateInstallationOptions {
  /** Login of the user or organization installing the app. */
  account: string;
  accountType?: "User" | "Organization";
  accountId?: number;
  permissions?: Permissions;
  events?: string[];
  repositorySelection?: "all" | "selected";
  /** Repositories (`owner/name`, or `name` under the account) to create with the installation. */
  repositories?: string[];
  /** Deliver `installation.created` (default true). */
  notify?: boolean;
  /** Who installed it (default: the account, or `<org>-admin` for an organization). */
  sender?: string;
}

export interface IssueSeed {
  title: string;
  body?: string | null;
  assignees?: string[];
  labels?: string[];
  author?: string;
  /** Deliver `issues.opened` (default false: seeding is silent). */
  notify?: boolean;
}

export interface ChangeOptions {
  /** The person making the change on github.com (the webhook `sender`). */
  actor?: string;
}

export type RateLimitControl = number | { limit: number; remaining?: number; installationId?: number; resource?: RateResource; status?: 403 | 429 } | undefined;

/** The in-process handle with the same powers as `/_sim/` (see README). */
export function createGithubControl(ctx: GithubContext) {
  const { state, limits, deliveries } = ctx;
  const now = () => nowSeconds(ctx);

  const installationOf = (id: number): GithubInstallation => {
    const inst = state.installations.get(id);
    if (!inst) throw new ControlError(`unknown installation ${id}`);
    return inst;
  };
  const repoOf = (fullName: string): GithubRepo => {
    const [owner, name] = fullName.split("/");
    const repo = owner && name ? state.findRepo(owner, name) : undefined;
    if (!repo) throw new ControlError(`unknown repository ${fullName}`);
    return repo;
  };
  const issueOf = (fullName: string, number: number): { repo: GithubRepo; issue: GithubIssue } => {
    const repo = repoOf(fullName);
    const issue = repo.issues.get(Number(number));
    if (!issue) throw new ControlError(`unknown issue ${fullName}#${number}`);
    return { repo, issue };
  };
  /** The person acting for an account: the user itself, or an admin of an organization. */
  const defaultActor = (account: string): string => {
    const user = state.user(account);
    return user.type === "Organization" ? state.user(`${account}-admin`).login : user.login;
  };
  const actorFor = (repo: GithubRepo, options: ChangeOptions = {}) => state.user(options.actor ?? defaultActor(repo.owner)).login;
  /** Canonical logins, creating people on first mention; refuses those who cannot be assigned. */
  const people = (logins: string[]): string[] =>
    logins.map((login) => {
      const user = state.user(login);
      if (!user.assignable || user.type !== "User") throw new ControlError(`${login} cannot be assigned issues`);
      return user.login;
    });
  const change = async (repo: GithubRepo, issue: GithubIssue, changes: IssueChange[], options: ChangeOptions): Promise<Array<GithubDeliveryRecord | undefined>> => {
    if (!changes.length) return [];
    touch(issue, now());
    return announceIssueChanges(deliveries, eventContext(ctx), repo, issue, changes, actorFor(repo, options));
  };
  const addRepository = (installationId: number, fullName: string, options: { private?: boolean } = {}): number => {
    installationOf(installationId);
    const [owner, name] = fullName.split("/");
    if (!owner || !name) throw new ControlError(`repository must be owner/name, got ${fullName}`);
    if (state.findRepo(owner, name)) throw new ControlError(`repository ${fullName} already exists`);
    const ownerLogin = state.user(owner).login;
    const id = state.newRepoId();
    const at = isoSeconds(now() - 86_400);
    state.repos.set(`${owner}/${name}`.toLowerCase(), { id, nodeId: nodeId("R", id), owner: ownerLogin, name, private: options.private ?? true, installationId, issues: new Map(), created_at: at, pushed_at: at, nextNumber: 1 });
    return id;
  };

  return {
    /** The app's identity and secrets. */
    get app() {
      return { appId: state.appId, clientId: state.clientId, slug: state.slug, privateKey: state.privateKeyPem, webhookSecret: state.webhookSecret, hookId: state.hookId };
    },

    /** Installs the app on an account (delivering `installation.created` unless `notify: false`); returns the installation id. */
    async createInstallation(accountOrOptions: string | CreateInstallationOptions, legacy: { notify?: boolean } = {}): Promise<number> {
      const options: CreateInstallationOptions = typeof accountOrOptions === "string" ? { account: accountOrOptions, ...legacy } : accountOrOptions;
      if (!options.account) throw new ControlError("account is required");
      const type: AccountType = options.accountType ?? "Organization";
      const account = state.user(options.account, { id: options.accountId, type, assignable: type === "User" });
      const id = state.newInstallationId();
      const at = isoSeconds(now());
      const inst: GithubInstallation = {
        id,
        account: account.login,
        permissions: { ...(options.permissions ?? DEFAULT_PERMISSIONS) },
        events: [...(options.events ?? DEFAULT_EVENTS)],
        repositorySelection: options.repositorySelection ?? "selected",
        created_at: at,
        updated_at: at,
        suspended_at: null,
        suspended_by: null,
      };
      state.installations.set(id, inst);
      for (const name of options.repositories ?? []) addRepository(id, name.includes("/") ? name : `${account.login}/${name}`);
      if (options.notify !== false) await deliveries.deliver("installation", installationEvent(eventContext(ctx), "created", inst, options.sender ?? defaultActor(account.login)));
      return id;
    },

    /** Uninstalls: the installation and its tokens are gone; `installation.deleted` is delivered. */
    async deleteInstallation(id: number, options: { notify?: boolean; sender?: string } = {}): Promise<void> {
      const inst = installationOf(id);
      const payload = installationEvent(eventContext(ctx), "deleted", inst, options.sender ?? defaultActor(inst.account));
      state.installations.delete(id);
      revokeTokens(state, id);
      if (options.notify !== false) await deliveries.deliver("installation", payload);
    },

    /** Suspends (or with `false` unsuspends) an installation: no tokens, no API, no events but `installation.suspend`/`unsuspend`. */
    async suspendInstallation(id: number, suspended = true, options: { sender?: string } = {}): Promise<void> {
      const inst = installationOf(id);
      if (Boolean(inst.suspended_at) === suspended) return;
      const by = options.sender ?? defaultActor(inst.account);
      inst.suspended_at = suspended ? isoSeconds(now()) : null;
      inst.suspended_by = suspended ? by : null;
      inst.updated_at = isoSeconds(now());
      await deliveries.deliver("installation", installationEvent(eventContext(ctx), suspended ? "suspend" : "unsuspend", inst, by));
    },

    /** The installation as `GET /app/installations/{id}` shows it. */
    installation(id: number) {
      return installationJson(ctx.server.url, installationOf(id), state);
    },

    /** Creates a repository the installation can reach; returns its id. */
    addRepository,

    /** Seeds a user (assignable unless told otherwise); returns its id. */
    addUser(loginOrOptions: string | { login: string; id?: number; assignable?: boolean; type?: AccountType }): number {
      const options = typeof loginOrOptions === "string" ? { login: loginOrOptions } : loginOrOptions;
      if (!options.login) throw new ControlError("login is required");
      const existing = state.findUser(options.login);
      if (existing && options.id !== undefined && existing.id !== options.id) throw new ControlError(`${options.login} already exists with id ${existing.id}`);
      return state.user(options.login, { id: options.id, type: options.type, assignable: options.assignable ?? (options.type ?? "User") === "User" }).id;
    },

    /** Seeds an issue (silently unless `notify`); returns its number. */
    createIssue(fullName: string, titleOrSeed: string | IssueSeed): number {
      const repo = repoOf(fullName);
      const seed: IssueSeed = typeof titleOrSeed === "string" ? { title: titleOrSeed } : titleOrSeed;
      if (!seed.title) throw new ControlError("title is required");
      const author = state.user(seed.author ?? defaultActor(repo.owner)).login;
      const issue = createIssue(state, repo, { title: seed.title, body: seed.body, assignees: people(seed.assignees ?? []), labels: seed.labels, author }, now());
      if (seed.notify) void announceIssueChanges(deliveries, eventContext(ctx), repo, issue, [{ action: "opened" }], author);
      return issue.number;
    },

    /** The live issue record (assignees as logins). */
    issue(fullName: string, number: number): GithubIssue {
      return issueOf(fullName, number).issue;
    },

    /** The issue as the REST API shows it. */
    issueJson(fullName: string, number: number) {
      const { repo, issue } = issueOf(fullName, number);
      return issueJson(ctx.server.url, repo, issue, state);
    },

    /** Sets the assignees exactly (as a person editing the sidebar); delivers `unassigned`/`assigned` per change. */
    async assign(fullName: string, number: number, logins: string[], options: ChangeOptions = {}) {
      const { repo, issue } = issueOf(fullName, number);
      return change(repo, issue, replaceAssignees(issue, people(logins)), options);
    },

    /** Adds assignees, keeping the current ones. */
    async addAssignees(fullName: string, number: number, logins: string[], options: ChangeOptions = {}) {
      const { repo, issue } = issueOf(fullName, number);
      return change(repo, issue, addAssignees(issue, people(logins)), options);
    },

    /** Removes the given assignees, or all of them. */
    async unassign(fullName: string, number: number, logins?: string[], options: ChangeOptions = {}) {
      const { repo, issue } = issueOf(fullName, number);
      return change(repo, issue, removeAssignees(issue, logins ?? [...issue.assignees]), options);
    },

    /** Closes the issue (`completed` unless another reason is given); delivers `issues.closed`. */
    async close(fullName: string, number: number, options: ChangeOptions & { reason?: "completed" | "not_planned" | "duplicate" } = {}) {
      const { repo, issue } = issueOf(fullName, number);
      return change(repo, issue, setIssueState(issue, "closed", options.reason ?? "completed", actorFor(repo, options), now()), options);
    },

    /** Reopens the issue; delivers `issues.reopened`. */
    async reopen(fullName: string, number: number, options: ChangeOptions = {}) {
      const { repo, issue } = issueOf(fullName, number);
      return change(repo, issue, setIssueState(issue, "open", null, actorFor(repo, options), now()), options);
    },

    /** Edits title and/or body; delivers `issues.edited` with the previous values. */
    async editIssue(fullName: string, number: number, fields: { title?: string; body?: string | null }, options: ChangeOptions = {}) {
      const { repo, issue } = issueOf(fullName, number);
      return change(repo, issue, editIssue(issue, fields), options);
    },

    /** Delivers any event with any payload as-is, optionally reusing a delivery id. */
    deliver(event: string, payload: Record<string, unknown>, deliveryId?: string) {
      return deliveries.deliver(event, payload, deliveryId);
    },

    /** Sends a previous delivery again, same `X-GitHub-Delivery`, as GitHub's "Redeliver" does. */
    redeliver(deliveryId: string) {
      return deliveries.redeliver(deliveryId).catch((error: Error) => {
        throw new ControlError(error.message);
      });
    },

    /** Delivers `ping` (what GitHub sends when the App's webhook is set up). */
    ping() {
      return deliveries.deliver("ping", pingEvent(eventContext(ctx)));
    },

    /** Delivers a `push` to a repository. */
    push(fullName: string, options: PushOptions = {}) {
      const repo = repoOf(fullName);
      repo.pushed_at = isoSeconds(now());
      return installationActive(eventContext(ctx), repo) ? deliveries.deliver("push", pushEvent(eventContext(ctx), repo, options)) : Promise.resolve(undefined);
    },

    /** Delivers a `pull_request` (default action `opened`, new number). */
    pullRequest(fullName: string, options: PullRequestOptions = {}) {
      const repo = repoOf(fullName);
      return installationActive(eventContext(ctx), repo) ? deliveries.deliver("pull_request", pullRequestEvent(eventContext(ctx), repo, options)) : Promise.resolve(undefined);
    },

    /** Every delivery attempted so far, oldest first. */
    deliveries(): GithubDeliveryRecord[] {
      return [...deliveries.records];
    },

    /** Waits for deliveries queued by REST calls (GitHub delivers after answering). */
    flushDeliveries(): Promise<void> {
      return deliveries.flush();
    },

    /** Turns deliveries on or off (off: nothing is sent nor recorded). */
    setDeliveries(enabled: boolean): void {
      state.deliveriesEnabled = enabled;
    },

    /** Where deliveries go; undefined sends nothing. */
    setWebhookUrl(url: string | undefined): void {
      state.webhookUrl = url;
    },

    setWebhookSecret(secret: string): void {
      if (!secret) throw new ControlError("secret is required");
      state.webhookSecret = secret;
    },

    /** `json` (default) or `form` (`application/x-www-form-urlencoded`, `payload=`), as the App's settings allow. */
    setWebhookContentType(contentType: "json" | "form"): void {
      state.webhookContentType = contentType;
    },

    /** Revokes the tokens of one installation, or all; returns how many were live. */
    revokeTokens(installationId?: number): number {
      return revokeTokens(state, installationId);
    },

    /** Lifetime of tokens minted from now on (GitHub: 3600 s). */
    setTokenLifetime(seconds: number): void {
      if (!Number.isFinite(seconds) || seconds <= 0) throw new ControlError("seconds must be positive");
      state.tokenLifetimeSeconds = Math.floor(seconds);
    },

    /** `classic` (`ghs_` + 36) or `stateless` (`ghs_<APPID>_<JWT>`, §1.2). */
    setTokenFormat(format: "classic" | "stateless"): void {
      state.tokenFormat = format;
    },

    /** New tokens answer 401 for this many seconds after minting (replication lag, §1.2). */
    setTokenReplicationDelay(seconds: number): void {
      state.tokenReplicationDelaySeconds = Math.max(0, seconds);
    },

    /** Mints a token directly (no JWT), for tests that only exercise repository routes. */
    mintToken(installationId: number, options: { permissions?: Permissions; repositories?: string[] } = {}): string {
      const inst = installationOf(installationId);
      const repos = options.repositories?.map((name) => repoOf(name.includes("/") ? name : `${inst.account}/${name}`).id);
      return mintToken(state, installationId, now(), { ...(options.permissions ?? inst.permissions) }, repos ? new Set(repos) : undefined).token;
    },

    /** How many installation tokens were minted (single-flight checks). */
    tokensIssued(): number {
      return state.tokensMinted;
    },

    /**
     * Sets the primary budget (`x-ratelimit-limit`), for every installation or one, optionally with
     * less `remaining` in the current window; a number is the limit; undefined restores GitHub's defaults.
     */
    setRateLimit(setting: RateLimitControl): void {
      if (setting === undefined) return limits.restorePrimary();
      const options = typeof setting === "number" ? { limit: setting } : setting;
      if (!Number.isFinite(options.limit) || options.limit < 0) throw new ControlError("limit must be a number >= 0");
      if (options.installationId !== undefined) installationOf(options.installationId);
      if (options.status) limits.primaryStatus = options.status;
      limits.configure({
        limit: options.limit,
        remaining: options.remaining,
        resource: options.resource,
        bucket: options.installationId === undefined ? undefined : installationBucket(options.installationId),
      });
    },

    /** Makes installation requests hit a secondary limit (429 by default, with `Retry-After`) until the clock passes it. */
    triggerSecondaryRateLimit(options: { retryAfterSeconds?: number; status?: 403 | 429; installationId?: number } = {}): void {
      limits.triggerSecondary(options.retryAfterSeconds ?? 60, options.status ?? 429, options.installationId === undefined ? "*" : installationBucket(options.installationId));
    },

    clearSecondaryRateLimit(): void {
      limits.clearSecondary();
    },
  };
}

export type GithubControl = ReturnType<typeof createGithubControl>;
