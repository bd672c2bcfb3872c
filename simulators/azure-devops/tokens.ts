import { randomUUID } from "node:crypto";
import { AZURE_DEVOPS_RESOURCE, type AzureState, type AzureUser, type Grant } from "./state.js";
import { entraOpaqueToken, mintJwt } from "./token-format.js";

/** Why a refresh token cannot be exchanged. */
export type RefreshRefusal = "unknown" | "used" | "revoked" | "expired" | "other-client";

export interface IssuedPair {
  accessToken: string;
  refreshToken: string | undefined;
  expiresIn: number;
  scopes: string[];
}

/** Creates a grant (one user's consent to one app): the family its tokens belong to. */
export function createGrant(state: AzureState, flow: Grant["flow"], clientId: string, userId: string, scopes: string[]): Grant {
  const secretVersion = flow === "legacy" ? legacyApp(state, clientId)?.secretVersion ?? 0 : 0;
  const grant: Grant = { id: randomUUID(), flow, clientId, userId, scopes, secretVersion, revoked: false };
  state.grants.set(grant.id, grant);
  return grant;
}

/** The legacy app registration with this app id. */
export function legacyApp(state: AzureState, appId: string) {
  return Object.values(state.legacyApps).find((app) => app.appId.toLowerCase() === appId.toLowerCase());
}

/** Mints an access token (and a refresh token when the grant allows one) for the grant. */
export function issueTokens(state: AzureState, grant: Grant, withRefresh = true): IssuedPair {
  const now = state.clock.nowSeconds();
  const user = state.users.get(grant.userId) as AzureUser;
  const expiresIn = state.accessTokenLifetimeSeconds;
  const accessToken =
    grant.flow === "legacy"
      ? mintJwt({
          nameid: user.id,
          scp: grant.scopes.join(" "),
          aui: grant.id,
          appid: grant.clientId,
          iss: "app.vstoken.visualstudio.com",
          aud: `app.vstoken.visualstudio.com|vso:${state.tenantId}`,
          nbf: now,
          exp: now + expiresIn,
        })
      : mintJwt({
          aud: AZURE_DEVOPS_RESOURCE,
          iss: `https://sts.windows.net/${state.tenantId}/`,
          iat: now,
          nbf: now,
          exp: now + expiresIn,
          appid: grant.clientId,
          name: user.displayName,
          oid: user.id,
          scp: "user_impersonation",
          tid: state.tenantId,
          upn: user.email,
          ver: "1.0",
        });
  state.accessTokens.set(accessToken, { grantId: grant.id, issuedAt: now, expiresAt: now + expiresIn, used: false });
  let refreshToken: string | undefined;
  if (withRefresh) {
    refreshToken =
      grant.flow === "legacy"
        ? mintJwt({ nameid: user.id, ac: grant.id, aui: grant.id, appid: grant.clientId, iss: "app.vstoken.visualstudio.com", aud: "app.vstoken.visualstudio.com", nbf: now, exp: now + state.refreshTokenLifetimeSeconds })
        : entraOpaqueToken();
    state.refreshTokens.set(refreshToken, { grantId: grant.id, issuedAt: now, expiresAt: now + state.refreshTokenLifetimeSeconds, used: false });
  }
  return { accessToken, refreshToken, expiresIn, scopes: grant.scopes };
}

/**
 * Exchanges a refresh token: the old one dies (rotation, §2.1 "a new refresh token gets issued"), a new
 * pair is minted in the same family. Reusing a dead one is refused.
 */
export function rotateRefreshToken(state: AzureState, token: string, clientId: string): { ok: true; grant: Grant; pair: IssuedPair } | { ok: false; reason: RefreshRefusal; issuedAt?: number } {
  const record = state.refreshTokens.get(token);
  if (!record) return { ok: false, reason: "unknown" };
  const grant = state.grants.get(record.grantId);
  if (!grant) return { ok: false, reason: "unknown" };
  if (grant.clientId.toLowerCase() !== clientId.toLowerCase()) return { ok: false, reason: "other-client" };
  if (grant.revoked || !grantSecretCurrent(state, grant)) return { ok: false, reason: "revoked" };
  if (record.used) return { ok: false, reason: "used" };
  if (record.expiresAt <= state.clock.nowSeconds()) return { ok: false, reason: "expired", issuedAt: record.issuedAt };
  record.used = true;
  return { ok: true, grant, pair: issueTokens(state, grant) };
}

/** Whether the legacy app secret the grant was minted under is still the app's current one. */
export function grantSecretCurrent(state: AzureState, grant: Grant): boolean {
  if (grant.flow !== "legacy") return true;
  const app = legacyApp(state, grant.clientId);
  return !!app && app.secretVersion === grant.secretVersion;
}

/** The live grant behind an access token, or why it is not usable. */
export function checkAccessToken(state: AzureState, token: string): { ok: true; grant: Grant; user: AzureUser } | { ok: false; reason: "unknown" | "expired" | "revoked" } {
  const record = state.accessTokens.get(token);
  if (!record) return { ok: false, reason: "unknown" };
  const grant = state.grants.get(record.grantId);
  const user = grant ? state.users.get(grant.userId) : undefined;
  if (!grant || !user) return { ok: false, reason: "unknown" };
  if (grant.revoked || !grantSecretCurrent(state, grant)) return { ok: false, reason: "revoked" };
  if (record.expiresAt <= state.clock.nowSeconds()) return { ok: false, reason: "expired" };
  return { ok: true, grant, user };
}

/** Revokes the whole family a refresh (or access) token belongs to; returns whether it was known. */
export function revokeFamily(state: AzureState, token: string): boolean {
  const record = state.refreshTokens.get(token) ?? state.accessTokens.get(token);
  const grant = record ? state.grants.get(record.grantId) : undefined;
  if (!grant) return false;
  grant.revoked = true;
  return true;
}
