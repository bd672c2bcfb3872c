import { createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";

export interface GithubUser {
  id: number;
  login: string;
}

export interface GithubIssue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  state_reason: string | null;
  assignees: string[];
  created_at: string;
  updated_at: string;
  user: string;
}

export interface GithubRepo {
  id: number;
  owner: string;
  name: string;
  installationId: number;
  issues: Map<number, GithubIssue>;
}

export interface GithubInstallation {
  id: number;
  account: GithubUser;
  suspended: boolean;
}

export interface InstallationToken {
  installationId: number;
  expiresAt: number;
  revoked: boolean;
  createdAt: number;
}

/** Everything the GitHub simulator knows; in memory, reset by `/_sim/reset`. */
export class GithubState {
  readonly appId: number;
  readonly clientId: string;
  readonly slug = "switchboard-sim";
  readonly privateKeyPem: string;
  readonly publicKey: KeyObject;
  readonly webhookSecret: string;
  installations = new Map<number, GithubInstallation>();
  tokens = new Map<string, InstallationToken>();
  repos = new Map<string, GithubRepo>();
  users = new Map<string, GithubUser>();
  tokenLifetimeSeconds = 3600;
  webhookUrl: string | undefined;
  deliveriesEnabled = true;
  /** Requests an installation token may make per window; undefined = unlimited. */
  rateLimit: { limit: number; used: number; resetAt: number } | undefined;
  private nextId = 1000;

  constructor(options: { appId?: number; privateKeyPem?: string; webhookSecret?: string; webhookUrl?: string }) {
    this.appId = options.appId ?? 100000 + Math.floor(Math.random() * 800000);
    this.clientId = `Iv23li${Math.random().toString(36).slice(2, 16).padEnd(14, "x")}`;
    if (options.privateKeyPem) {
      this.privateKeyPem = options.privateKeyPem;
    } else {
      const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
      this.privateKeyPem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
    }
    this.publicKey = createPublicKey(this.privateKeyPem);
    this.webhookSecret = options.webhookSecret ?? `whsec-${Math.random().toString(36).slice(2)}`;
    this.webhookUrl = options.webhookUrl;
  }

  id(): number {
    return this.nextId++;
  }

  /** The user with this login, created on first mention. */
  user(login: string): GithubUser {
    let user = this.users.get(login.toLowerCase());
    if (!user) {
      user = { id: this.id(), login };
      this.users.set(login.toLowerCase(), user);
    }
    return user;
  }

  clear(): void {
    this.installations.clear();
    this.tokens.clear();
    this.repos.clear();
    this.users.clear();
    this.tokenLifetimeSeconds = 3600;
    this.deliveriesEnabled = true;
    this.rateLimit = undefined;
  }
}
