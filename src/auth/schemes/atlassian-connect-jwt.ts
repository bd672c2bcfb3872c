import { createHmac } from "node:crypto";
import type { Kysely } from "kysely";
import { AppError } from "../../domain/errors.js";
import { nowSeconds, type Clock } from "../../platform/clock.js";
import type { HttpRequest } from "../../platform/http/send-http.js";
import type { Vault } from "../../platform/vault/vault.js";
import type { Database } from "../../store/schema.js";
import type { AuthScheme } from "../authorize.js";
import { queryStringHash } from "./atlassian-qsh.js";

/** Sentry's lifetime for the app's API tokens (§8.2): short, so a leaked token is soon worthless. */
export const CONNECT_JWT_LIFETIME_SECONDS = 300;

export interface ConnectJwtClaims {
  /** The app key from our descriptor. */
  iss: string;
  /** The installation's clientKey (Sentry sets it; Bitbucket uses it to find the installation). */
  sub: string;
  iat: number;
  exp: number;
  qsh: string;
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString("base64url");

/** An HS256 JWT over the claims with the installation's shared secret (`{"typ":"JWT","alg":"HS256"}`). */
export function signConnectJwt(claims: ConnectJwtClaims, sharedSecret: string): string {
  const input = `${base64url(JSON.stringify({ typ: "JWT", alg: "HS256" }))}.${base64url(JSON.stringify(claims))}`;
  return `${input}.${createHmac("sha256", sharedSecret).update(input).digest("base64url")}`;
}

/** What one installation signs with: app key, clientKey, shared secret and the base URL (for its context path). */
export interface ConnectInstallation {
  appKey: string;
  clientKey: string;
  sharedSecret: string;
  baseUrl: string;
}

/** The installation of a Bitbucket integration: the sealed `metadata.shared_secret` and `metadata.base_url` written at install. */
export async function readConnectInstallation(db: Kysely<Database>, vault: Vault, integrationId: number, appKey: string): Promise<ConnectInstallation> {
  const row = await db.selectFrom("integrations").select(["external_id", "metadata", "status"]).where("id", "=", integrationId).executeTakeFirst();
  if (!row) throw new AppError("not_found", "integration_not_found", `No integration ${integrationId}`);
  const metadata = JSON.parse(row.metadata) as { shared_secret?: unknown; base_url?: unknown };
  if (typeof metadata.shared_secret !== "string" || typeof metadata.base_url !== "string") {
    throw new AppError("validation", "connect_installation_incomplete", "The installation has no shared secret or base URL; install the app again");
  }
  return { appKey, clientKey: row.external_id, sharedSecret: vault.open(metadata.shared_secret), baseUrl: metadata.base_url };
}

/**
 * Atlassian Connect's JWT for calls as the app (§8.2, contract §4.4): HS256 with the shared secret,
 * `iss` = app key, `sub` = clientKey, 300 s lifetime and the exact `qsh` of this request, in
 * `Authorization: JWT <token>` (Bitbucket ignores `?jwt=`, and a query token would end up in logs).
 * The secret is read on every attempt, so the retry after a 401 uses the secret of a re-install.
 */
export function atlassianConnectJwtScheme(load: () => Promise<ConnectInstallation>, clock: Clock): AuthScheme {
  return {
    async authorize(request: HttpRequest) {
      const installation = await load();
      const url = new URL(request.url);
      const iat = nowSeconds(clock);
      const contextPath = new URL(installation.baseUrl).pathname;
      const token = signConnectJwt(
        { iss: installation.appKey, sub: installation.clientKey, iat, exp: iat + CONNECT_JWT_LIFETIME_SECONDS, qsh: queryStringHash(request.method, url, contextPath) },
        installation.sharedSecret,
      );
      return { request: { ...request, headers: { ...request.headers, authorization: `JWT ${token}` } } };
    },
  };
}
