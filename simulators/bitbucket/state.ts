import { randomInt, randomUUID } from "node:crypto";
import type { KeyObject } from "node:crypto";

/** An Atlassian account as Bitbucket knows it; `email` is never shown by the API. */
export interface BbUser {
  uuid: string;
  accountId: string;
  nickname: string;
  displayName: string;
  email: string | undefined;
  createdOn: string;
}

export interface BbWorkspace {
  uuid: string;
  slug: string;
  name: string;
  /** A team workspace, or a user's personal one (whose principal is the user). */
  kind: "team" | "user";
  owner: string | undefined;
  members: Set<string>;
  createdOn: string;
}

export interface BbIssue {
  id: number;
  title: string;
  content: string;
  state: IssueState;
  kind: IssueKind;
  priority: IssuePriority;
  reporter: string | null;
  assignee: string | null;
  createdOn: string;
  updatedOn: string;
  editedOn: string | null;
  votes: number;
  watches: number;
}

export interface BbHook {
  uuid: string;
  url: string;
  description: string;
  active: boolean;
  events: string[];
  secret: string | undefined;
  createdAt: string;
}

export interface BbRepository {
  uuid: string;
  workspace: string;
  slug: string;
  name: string;
  description: string;
  isPrivate: boolean;
  hasIssues: boolean;
  createdOn: string;
  updatedOn: string;
  issues: Map<number, BbIssue>;
  nextIssueId: number;
  hooks: Map<string, BbHook>;
}

/** One app installation (§4.2): what Bitbucket stored after the app accepted `installed`. */
export interface Installation {
  clientKey: string;
  appKey: string;
  sharedSecret: string;
  /** The app's `baseUrl` from its descriptor, verbatim (it is the lifecycle JWT's `aud`). */
  appBaseUrl: string;
  installedUrl: string;
  uninstalledUrl: string | undefined;
  scopes: string[];
  workspace: string;
  installedBy: string | undefined;
  installedAt: string;
  /** The app's own account (`app_user`), the actor of changes the app makes through the API. */
  appUserUuid: string;
}

export const ISSUE_STATES = ["submitted", "new", "open", "resolved", "on hold", "invalid", "duplicate", "wontfix", "closed"] as const;
export const ISSUE_KINDS = ["bug", "enhancement", "proposal", "task"] as const;
export const ISSUE_PRIORITIES = ["trivial", "minor", "major", "critical", "blocker"] as const;
export type IssueState = (typeof ISSUE_STATES)[number];
export type IssueKind = (typeof ISSUE_KINDS)[number];
export type IssuePriority = (typeof ISSUE_PRIORITIES)[number];

/** Event keys a repository hook may subscribe to (Bitbucket's repository event list). */
export const HOOK_EVENTS = [
  "repo:push", "repo:fork", "repo:updated", "repo:commit_comment_created", "repo:commit_status_created", "repo:commit_status_updated",
  "issue:created", "issue:updated", "issue:comment_created",
  "pullrequest:created", "pullrequest:updated", "pullrequest:approved", "pullrequest:unapproved", "pullrequest:fulfilled",
  "pullrequest:rejected", "pullrequest:comment_created", "pullrequest:comment_updated", "pullrequest:comment_deleted",
  "pullrequest:changes_request_created", "pullrequest:changes_request_removed",
] as const;

/** Bitbucket wraps UUIDs in braces everywhere. */
export const braced = (uuid: string = randomUUID()): string => `{${uuid.replace(/^\{|\}$/g, "")}}`;

/** Bitbucket's timestamp format: microseconds and an explicit `+00:00`. */
export function bbTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000+00:00");
}

/** In-memory Bitbucket: accounts, workspaces, repositories with issues and hooks, app installations. */
export class BitbucketState {
  readonly users = new Map<string, BbUser>();
  readonly workspaces = new Map<string, BbWorkspace>();
  readonly repos = new Map<string, BbRepository>();
  readonly installations = new Map<string, Installation>();
  /** Install keys by kid, public halves served at `/install-keys/<kid>` like connect-install-keys.atlassian.com. */
  readonly installKeys = new Map<string, { publicPem: string; privateKey: KeyObject }>();
  currentKid = "";
  /** Stable clientKeys: a re-install of the same app into the same workspace keeps its clientKey. */
  private readonly clientKeys = new Map<string, string>();
  lastClientKey: string | undefined;
  webhookUrl: string | undefined;
  webhookSecret: string | undefined;
  /** The X-Hook-UUID of deliveries to the configured webhook target (which stands for one more hook). */
  readonly targetHookUuid = braced();
  /** Longest accepted `exp - iat` for the app's API JWTs. */
  maxTokenLifetimeSeconds = 3600;
  enforceScopes = true;

  /** Deliveries started by API writes: Bitbucket sends them after answering, so they are not awaited there. */
  private readonly pending = new Set<Promise<unknown>>();

  constructor(readonly now: () => number) {}

  /** Remembers a delivery in flight so `settled()` can wait for it. */
  track(work: Promise<unknown>): void {
    const done = work.catch(() => undefined).finally(() => this.pending.delete(done));
    this.pending.add(done);
  }

  /** Resolves once every delivery started so far has been attempted. */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  clear(): void {
    this.users.clear();
    this.workspaces.clear();
    this.repos.clear();
    this.installations.clear();
    this.clientKeys.clear();
    this.lastClientKey = undefined;
  }

  /** Finds an account by `{uuid}`, account id, nickname or e-mail. */
  findUser(ref: string): BbUser | undefined {
    const direct = this.users.get(braced(ref)) ?? this.users.get(ref);
    if (direct) return direct;
    const lower = ref.toLowerCase();
    for (const user of this.users.values()) {
      if (user.accountId === ref || user.nickname.toLowerCase() === lower || user.email?.toLowerCase() === lower) return user;
    }
    return undefined;
  }

  addUser(input: { nickname: string; displayName?: string; email?: string; uuid?: string; accountId?: string }): BbUser {
    const existing = this.findUser(input.nickname);
    if (existing) return existing;
    const uuid = braced(input.uuid);
    const user: BbUser = {
      uuid,
      accountId: input.accountId ?? `557058:${uuid.slice(1, -1)}`,
      nickname: input.nickname,
      displayName: input.displayName ?? input.nickname,
      email: input.email,
      createdOn: bbTime(this.now()),
    };
    this.users.set(uuid, user);
    return user;
  }

  addWorkspace(input: { slug: string; name?: string; uuid?: string; kind?: "team" | "user"; owner?: string }): BbWorkspace {
    const key = input.slug.toLowerCase();
    const existing = this.workspaces.get(key);
    if (existing) return existing;
    const owner = input.owner ? this.findUser(input.owner)?.uuid : undefined;
    const ws: BbWorkspace = {
      uuid: braced(input.uuid),
      slug: key,
      name: input.name ?? input.slug,
      kind: input.kind ?? "team",
      owner,
      members: new Set(owner ? [owner] : []),
      createdOn: bbTime(this.now()),
    };
    this.workspaces.set(key, ws);
    return ws;
  }

  addRepository(input: { workspace: string; slug: string; name?: string; description?: string; isPrivate?: boolean; hasIssues?: boolean }): BbRepository {
    const key = `${input.workspace.toLowerCase()}/${input.slug.toLowerCase()}`;
    const existing = this.repos.get(key);
    if (existing) return existing;
    const at = bbTime(this.now());
    const repo: BbRepository = {
      uuid: braced(),
      workspace: input.workspace.toLowerCase(),
      slug: input.slug.toLowerCase(),
      name: input.name ?? input.slug,
      description: input.description ?? "",
      isPrivate: input.isPrivate ?? true,
      hasIssues: input.hasIssues ?? true,
      createdOn: at,
      updatedOn: at,
      issues: new Map(),
      nextIssueId: 1,
      hooks: new Map(),
    };
    this.repos.set(key, repo);
    return repo;
  }

  repo(workspace: string, slug: string): BbRepository | undefined {
    return this.repos.get(`${workspace.toLowerCase()}/${slug.toLowerCase()}`);
  }

  /** The clientKey of (app, workspace), minted once in the `connection:<n>` form of Sentry's fixture. */
  clientKeyFor(appKey: string, workspace: string): string {
    const id = `${appKey}\u0000${workspace}`;
    let key = this.clientKeys.get(id);
    if (!key) {
      key = `connection:${randomInt(1_000_000, 99_999_999)}`;
      this.clientKeys.set(id, key);
    }
    return key;
  }
}
