import { randomAlphanumeric } from "../shared/ids.js";

/** Atlassian's defaults: request tokens live 10 minutes, access tokens 5 years (§3.1 `oauth_expires_in`). */
export const DEFAULT_REQUEST_TOKEN_SECONDS = 600;
export const DEFAULT_ACCESS_TOKEN_SECONDS = 157_680_000;
/** How long the user's authorization (the session handle) lasts: `oauth_authorization_expires_in`. */
export const DEFAULT_AUTHORIZATION_SECONDS = 160_272_000;

/** A request token between steps 1 and 3 of the dance (§3.1). */
export interface RequestToken {
  kind: "request";
  token: string;
  secret: string;
  consumerKey: string;
  /** `oauth_callback` as given in step 1; undefined for `oob` or when none was sent (OAuth 1.0 style). */
  callback: string | undefined;
  /** 1.0a when step 1 carried `oauth_callback` (then `oauth_callback_confirmed=true` is answered). */
  version: "1.0" | "1.0a";
  createdAtMs: number;
  expiresAtMs: number;
  authorization: "none" | "approved" | "denied";
  verifier: string | undefined;
  username: string | undefined;
}

/** An access token: signs REST calls as the user who approved it. */
export interface AccessToken {
  kind: "access";
  token: string;
  secret: string;
  consumerKey: string;
  username: string;
  createdAtMs: number;
  expiresAtMs: number;
  sessionHandle: string;
}

export type ServiceProviderToken = RequestToken | AccessToken;

/** Jira's tokens and secrets are 32 alphanumerics; verifiers 6. */
export const tokenString = (): string => randomAlphanumeric(32);
export const verifierString = (): string => randomAlphanumeric(6);

/** Request and access tokens by token string, with configurable lifetimes. */
export class TokenStore {
  private readonly tokens = new Map<string, ServiceProviderToken>();
  requestTokenSeconds = DEFAULT_REQUEST_TOKEN_SECONDS;
  accessTokenSeconds = DEFAULT_ACCESS_TOKEN_SECONDS;

  /** Issues a request token for step 1. */
  issueRequestToken(consumerKey: string, callback: string | undefined, version: "1.0" | "1.0a", nowMs: number): RequestToken {
    const token: RequestToken = {
      kind: "request",
      token: tokenString(),
      secret: tokenString(),
      consumerKey,
      callback,
      version,
      createdAtMs: nowMs,
      expiresAtMs: nowMs + this.requestTokenSeconds * 1000,
      authorization: "none",
      verifier: undefined,
      username: undefined,
    };
    this.tokens.set(token.token, token);
    return token;
  }

  /** Issues an access token for `username` (step 3, or directly from the control API). */
  issueAccessToken(consumerKey: string, username: string, nowMs: number): AccessToken {
    const token: AccessToken = {
      kind: "access",
      token: tokenString(),
      secret: tokenString(),
      consumerKey,
      username,
      createdAtMs: nowMs,
      expiresAtMs: nowMs + this.accessTokenSeconds * 1000,
      sessionHandle: tokenString(),
    };
    this.tokens.set(token.token, token);
    return token;
  }

  get(token: string | undefined): ServiceProviderToken | undefined {
    return token === undefined ? undefined : this.tokens.get(token);
  }

  /** Forgets a token (a swapped request token, or a revoked access token: Jira deletes both). */
  remove(token: string): boolean {
    return this.tokens.delete(token);
  }

  /** Removes every token of a consumer (its Application Link was deleted). */
  removeConsumer(consumerKey: string): number {
    let n = 0;
    for (const [key, t] of this.tokens) {
      if (t.consumerKey === consumerKey) {
        this.tokens.delete(key);
        n++;
      }
    }
    return n;
  }

  /** Access tokens currently valid, for the control API. */
  accessTokens(): AccessToken[] {
    return [...this.tokens.values()].filter((t): t is AccessToken => t.kind === "access");
  }

  clear(): void {
    this.tokens.clear();
    this.requestTokenSeconds = DEFAULT_REQUEST_TOKEN_SECONDS;
    this.accessTokenSeconds = DEFAULT_ACCESS_TOKEN_SECONDS;
  }
}
