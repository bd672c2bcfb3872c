import type { SimServer } from "../shared/sim-server.js";
import type { Delivery } from "../shared/webhook-sender.js";
import { ControlError } from "./control-error.js";
import { deliverIssueEvent } from "./deliver-webhook.js";
import { rotateInstallKey } from "./install-keys.js";
import { createIssue, updateIssue, type IssueFields } from "./issues.js";
import { installApp, uninstallApp, type InstallOptions, type LifecycleResult } from "./lifecycle.js";
import { renderHook, renderIssue, renderUser, type LinkBase } from "./render.js";
import { bbTime, braced, HOOK_EVENTS, ISSUE_STATES, type BbRepository, type BitbucketState, type Installation, type IssueState } from "./state.js";

export { ControlError };

/** Who a control change is made by (a nickname, `{uuid}` or e-mail); default: the workspace's owner. */
export interface ChangeOptions {
  by?: string;
}

/** What tests and `/_sim/` can do to the Bitbucket simulator. */
export function createBitbucketControl(server: SimServer, state: BitbucketState, base: () => LinkBase, defaultAppUrl: string | undefined) {
  const repoOf = (fullName: string): BbRepository => {
    const [workspace = "", slug = ""] = fullName.split("/");
    const repo = state.repo(workspace, slug);
    if (!repo) throw new ControlError(`unknown repository ${fullName}`);
    return repo;
  };
  const userOf = (ref: string) => {
    const user = state.findUser(ref);
    if (!user) throw new ControlError(`unknown user ${ref}`);
    return user;
  };
  const issueOf = (fullName: string, id: number) => {
    const repo = repoOf(fullName);
    const issue = repo.issues.get(id);
    if (!issue) throw new ControlError(`unknown issue ${fullName}#${id}`);
    return { repo, issue };
  };
  const actorFor = (repo: BbRepository, by: string | undefined) => {
    const ws = state.workspaces.get(repo.workspace);
    const ref = by ?? ws?.owner ?? ws?.members.values().next().value;
    if (!ref) throw new ControlError("by (the user making the change) is required: the workspace has no members");
    return userOf(ref);
  };
  const change = async (fullName: string, id: number, fields: IssueFields, options: ChangeOptions): Promise<Delivery[]> => {
    const { repo, issue } = issueOf(fullName, id);
    const actor = actorFor(repo, options.by);
    const changes = updateIssue(state, base(), issue, fields, server.clock.now());
    if (!Object.keys(changes).length) return [];
    return deliverIssueEvent(server, state, base(), repo, issue, "issue:updated", renderUser(actor, base()), changes);
  };

  const control = {
    /** Installs the app (reads its descriptor, POSTs a signed `installed`); kept only if the app answers 2xx. */
    install(options: InstallOptions = {}): Promise<LifecycleResult> {
      return installApp(server, state, base(), { ...options, defaultAppUrl });
    },
    /** Uninstalls (the last installation by default) and POSTs a signed `uninstalled`. */
    uninstall(clientKey?: string, options: Pick<InstallOptions, "signing" | "claims" | "unservedKey"> = {}): Promise<LifecycleResult> {
      return uninstallApp(server, state, base(), clientKey, options);
    },
    installations(): Installation[] {
      return [...state.installations.values()].map((i) => ({ ...i, scopes: [...i.scopes] }));
    },
    /** Adds a signing key; later lifecycle JWTs carry its kid, earlier kids stay served. */
    rotateInstallKey(): string {
      return rotateInstallKey(state);
    },
    addUser(input: { nickname: string; displayName?: string; email?: string; uuid?: string; accountId?: string }) {
      const user = state.addUser(input);
      return { uuid: user.uuid, accountId: user.accountId, nickname: user.nickname, displayName: user.displayName };
    },
    addWorkspace(input: { slug: string; name?: string; kind?: "team" | "user"; owner?: string; members?: string[] }) {
      const ws = state.addWorkspace(input);
      for (const member of input.members ?? []) ws.members.add(userOf(member).uuid);
      return { uuid: ws.uuid, slug: ws.slug };
    },
    addMember(workspace: string, user: string): void {
      const ws = state.workspaces.get(workspace.toLowerCase());
      if (!ws) throw new ControlError(`unknown workspace ${workspace}`);
      ws.members.add(userOf(user).uuid);
    },
    addRepository(input: { workspace: string; slug: string; name?: string; description?: string; isPrivate?: boolean; hasIssues?: boolean }) {
      if (!state.workspaces.has(input.workspace.toLowerCase())) throw new ControlError(`unknown workspace ${input.workspace}`);
      const repo = state.addRepository(input);
      return { uuid: repo.uuid, fullName: `${repo.workspace}/${repo.slug}` };
    },
    /** Creates an issue as a person would on bitbucket.org; `issue:created` is delivered unless `notify` is false. */
    async createIssue(
      fullName: string,
      input: { title: string; content?: string; state?: IssueState; kind?: IssueFields["kind"]; priority?: IssueFields["priority"]; assignee?: string | null; reporter?: string },
      options: { notify?: boolean } = {},
    ): Promise<number> {
      const repo = repoOf(fullName);
      const reporter = actorFor(repo, input.reporter);
      const assignee = input.assignee ? userOf(input.assignee).uuid : null;
      const issue = createIssue(repo, { ...input, assignee }, reporter.uuid, server.clock.now());
      if (options.notify !== false) await deliverIssueEvent(server, state, base(), repo, issue, "issue:created", renderUser(reporter, base()));
      return issue.id;
    },
    /** Assigns (or, with null, unassigns) as a person would; delivers `issue:updated` with `changes.assignee`. */
    assign(fullName: string, id: number, user: string | null, options: ChangeOptions = {}): Promise<Delivery[]> {
      return change(fullName, id, { assignee: user === null ? null : userOf(user).uuid }, options);
    },
    /** Moves the issue to a state (new, open, resolved, on hold, invalid, duplicate, wontfix, closed). */
    setState(fullName: string, id: number, issueState: IssueState, options: ChangeOptions = {}): Promise<Delivery[]> {
      if (!(ISSUE_STATES as readonly string[]).includes(issueState)) throw new ControlError(`unknown state ${issueState}; one of ${ISSUE_STATES.join(", ")}`);
      return change(fullName, id, { state: issueState }, options);
    },
    /** Changes any issue fields at once (one `issue:updated`). */
    updateIssue(fullName: string, id: number, fields: IssueFields, options: ChangeOptions = {}): Promise<Delivery[]> {
      const resolved = { ...fields };
      if (typeof fields.assignee === "string") resolved.assignee = userOf(fields.assignee).uuid;
      return change(fullName, id, resolved, options);
    },
    issue(fullName: string, id: number) {
      const { repo, issue } = issueOf(fullName, id);
      return renderIssue(issue, repo, state, base());
    },
    /** Registers a repository hook as a person would in the repository settings. */
    addHook(fullName: string, input: { url: string; events?: string[]; secret?: string; description?: string; active?: boolean }): string {
      const repo = repoOf(fullName);
      const events = input.events ?? ["issue:created", "issue:updated"];
      const unknown = events.filter((e) => !(HOOK_EVENTS as readonly string[]).includes(e));
      if (unknown.length) throw new ControlError(`unknown events ${unknown.join(", ")}`);
      const uuid = braced();
      repo.hooks.set(uuid, { uuid, url: input.url, events, secret: input.secret, description: input.description ?? "", active: input.active ?? true, createdAt: bbTime(server.clock.now()) });
      return uuid;
    },
    hooks(fullName: string) {
      const repo = repoOf(fullName);
      return [...repo.hooks.values()].map((h) => renderHook(h, repo, base()));
    },
    /** Sends every issue event also to this URL (signed with `secret` when given); undefined stops it. */
    setWebhookUrl(url: string | undefined, secret?: string): void {
      state.webhookUrl = url;
      state.webhookSecret = secret;
    },
    /** The longest `exp - iat` accepted on the app's API JWTs. */
    setMaxTokenLifetime(seconds: number): void {
      if (!Number.isFinite(seconds) || seconds <= 0) throw new ControlError("seconds must be a positive number");
      state.maxTokenLifetimeSeconds = seconds;
    },
    /** Whether API calls need the descriptor's scopes (on by default, as on Bitbucket). */
    setScopeEnforcement(enabled: boolean): void {
      state.enforceScopes = enabled;
    },
    /** Waits for deliveries started by API writes (Bitbucket sends them after answering). */
    settled(): Promise<void> {
      return state.settled();
    },
  };
  return control;
}

export type BitbucketControl = ReturnType<typeof createBitbucketControl>;
