import { createPrivateKey, createPublicKey, generateKeyPairSync, randomInt, type KeyObject } from "node:crypto";
import { randomAlphanumeric, randomHex } from "../shared/ids.js";

export type AccountType = "User" | "Organization" | "Bot";
export type Permissions = Record<string, string>;

/** A user, organization or bot account, as GitHub keeps it. */
export interface GithubUser {
  id: number;
  login: string;
  nodeId: string;
  type: AccountType;
  /** Whether this user may be assigned to issues (push access in GitHub's terms). */
  assignable: boolean;
}

export interface GithubComment {
  id: number;
  nodeId: string;
  body: string;
  user: string;
  created_at: string;
  updated_at: string;
}

export interface GithubIssue {
  id: number;
  nodeId: string;
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  state_reason: string | null;
  /** Logins, in assignment order; the first is the legacy `assignee`. */
  assignees: string[];
  labels: string[];
  comments: GithubComment[];
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  closed_by: string | null;
  /** Login of the author. */
  user: string;
}

export interface GithubRepo {
  id: number;
  nodeId: string;
  owner: string;
  name: string;
  private: boolean;
  installationId: number;
  issues: Map<number, GithubIssue>;
  created_at: string;
  pushed_at: string;
  nextNumber: number;
}

export interface GithubInstallation {
  id: number;
  /** Login of the account the app is installed on. */
  account: string;
  permissions: Permissions;
  events: string[];
  repositorySelection: "all" | "selected";
  created_at: string;
  updated_at: string;
  suspended_at: string | null;
  suspended_by: string | null;
}

export interface InstallationToken {
  token: string;
  installationId: number;
  createdAt: number;
  expiresAt: number;
  revoked: boolean;
  permissions: Permissions;
  /** Repository ids the token was narrowed to; undefined = every repository of the installation. */
  repositoryIds: Set<number> | undefined;
}

/** Default permissions an installation grants (enough for issue sync). */
export const DEFAULT_PERMISSIONS: Permissions = { issues: "write", metadata: "read", contents: "read", pull_requests: "read" };
export const DEFAULT_EVENTS = ["issues", "issue_comment", "pull_request", "push"];

/** Second-precision ISO-8601 UTC with `Z`, the format of GitHub's REST timestamps. */
export function isoSeconds(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Ids that grow like GitHub's: each kind starts somewhere plausible and counts up. */
class IdSequence {
  private next: number;
  constructor(min: number, max: number) {
    this.next = randomInt(min, max);
  }
  take(): number {
    return this.next++;
  }
}

/** A GraphQL-style node id (`U_kgDO…`, `I_kwDO…`): opaque, prefixed by kind. */
export function nodeId(prefix: string, id: number): string {
  return `${prefix}_kwDO${Buffer.from(id.toString(16).padStart(12, "0"), "hex").toString("base64url")}`;
}

export interface AppIdentityOptions {
  appId?: number;
  clientId?: string;
  slug?: string;
  name?: string;
  privateKeyPem?: string;
  webhookSecret?: string;
  webhookUrl?: string;
}

/** Everything the GitHub simulator knows; in memory, cleared by `/_sim/reset`. */
export class GithubState {
  readonly appId: number;
  readonly clientId: string;
  readonly slug: string;
  readonly name: string;
  readonly privateKeyPem: string;
  readonly publicKey: KeyObject;
  /** The app's webhook configuration id (`X-GitHub-Hook-ID`). */
  readonly hookId: number;
  /** Short hex after `GitHub-Hookshot/`: one build of the delivery service. */
  readonly hookshotVersion = randomHex(4).slice(0, 7);
  readonly appCreatedAt: string;
  /** Signs stateless `ghs_<APPID>_<JWT>` tokens. */
  readonly tokenSigningKey = randomHex(32);
  webhookSecret: string;
  webhookUrl: string | undefined;
  webhookContentType: "json" | "form" = "json";
  deliveriesEnabled = true;
  tokenLifetimeSeconds = 3600;
  tokenFormat: "classic" | "stateless" = "classic";
  /** Seconds after minting during which a token is still unknown to the API (replication lag). */
  tokenReplicationDelaySeconds = 0;

  readonly users = new Map<string, GithubUser>();
  readonly installations = new Map<number, GithubInstallation>();
  readonly repos = new Map<string, GithubRepo>();
  readonly tokens = new Map<string, InstallationToken>();
  /** Every token ever minted, for single-flight checks; not cleared by revocation. */
  tokensMinted = 0;

  private readonly userIds = new IdSequence(10_000_000, 90_000_000);
  private readonly repoIds = new IdSequence(100_000_000, 900_000_000);
  private readonly issueIds = new IdSequence(1_000_000_000, 2_000_000_000);
  private readonly installationIds = new IdSequence(10_000_000, 60_000_000);
  private readonly commentIds = new IdSequence(1_000_000_000, 2_000_000_000);
  private readonly defaults: { secret: string; url: string | undefined; lifetime: number; format: "classic" | "stateless" };

  constructor(options: AppIdentityOptions & { tokenLifetimeSeconds?: number; tokenFormat?: "classic" | "stateless" }, nowSeconds: number) {
    this.appId = options.appId ?? randomInt(100_000, 1_000_000);
    this.clientId = options.clientId ?? `Iv23li${randomAlphanumeric(14)}`;
    this.slug = options.slug ?? "switchboard-sim";
    this.name = options.name ?? "Switchboard (simulated)";
    if (options.privateKeyPem) {
      this.privateKeyPem = options.privateKeyPem;
    } else {
      // GitHub hands out PKCS#1 PEM keys ("BEGIN RSA PRIVATE KEY").
      const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
      this.privateKeyPem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
    }
    this.publicKey = createPublicKey(createPrivateKey(this.privateKeyPem));
    this.hookId = randomInt(100_000_000, 600_000_000);
    this.appCreatedAt = isoSeconds(nowSeconds - 86_400 * 30);
    this.webhookSecret = options.webhookSecret ?? randomHex(20);
    this.webhookUrl = options.webhookUrl;
    this.tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 3600;
    this.tokenFormat = options.tokenFormat ?? "classic";
    this.defaults = { secret: this.webhookSecret, url: this.webhookUrl, lifetime: this.tokenLifetimeSeconds, format: this.tokenFormat };
  }

  /** The bot account the app acts as on REST calls (`<slug>[bot]`). */
  get botLogin(): string {
    return `${this.slug}[bot]`;
  }

  findUser(login: string): GithubUser | undefined {
    return this.users.get(login.toLowerCase());
  }

  /** The account with this login, created on first mention. */
  user(login: string, options: { id?: number; type?: AccountType; assignable?: boolean } = {}): GithubUser {
    const existing = this.users.get(login.toLowerCase());
    if (existing) {
      if (options.type) existing.type = options.type;
      if (options.assignable !== undefined) existing.assignable = options.assignable;
      return existing;
    }
    const id = options.id ?? this.userIds.take();
    const type = options.type ?? "User";
    const user: GithubUser = { id, login, nodeId: nodeId(type === "Organization" ? "O" : type === "Bot" ? "BOT" : "U", id), type, assignable: options.assignable ?? type === "User" };
    this.users.set(login.toLowerCase(), user);
    return user;
  }

  findRepo(owner: string, name: string): GithubRepo | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase());
  }

  newInstallationId(): number {
    return this.installationIds.take();
  }
  newRepoId(): number {
    return this.repoIds.take();
  }
  newIssueId(): number {
    return this.issueIds.take();
  }
  newCommentId(): number {
    return this.commentIds.take();
  }

  /** Repositories an installation can reach. */
  reposOf(installationId: number): GithubRepo[] {
    return [...this.repos.values()].filter((r) => r.installationId === installationId);
  }

  clear(): void {
    this.users.clear();
    this.installations.clear();
    this.repos.clear();
    this.tokens.clear();
    this.tokensMinted = 0;
    this.webhookSecret = this.defaults.secret;
    this.webhookUrl = this.defaults.url;
    this.webhookContentType = "json";
    this.deliveriesEnabled = true;
    this.tokenLifetimeSeconds = this.defaults.lifetime;
    this.tokenFormat = this.defaults.format;
    this.tokenReplicationDelaySeconds = 0;
  }
}
