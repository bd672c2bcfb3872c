import { createHmac } from "node:crypto";
import { randomAlphanumeric, randomUUID } from "../shared/ids.js";
import type { GithubState, InstallationToken, Permissions } from "./state.js";

/**
 * A new installation token's text: classic `ghs_` + 36 alphanumerics, or the stateless
 * `ghs_<APPID>_<JWT>` form GitHub is rolling out (§1.2), which clients must not assume is 40 long.
 */
function tokenText(state: GithubState, installationId: number, expiresAt: number): string {
  if (state.tokenFormat === "classic") return `ghs_${randomAlphanumeric(36)}`;
  const enc = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const input = `${enc({ alg: "HS256", typ: "JWT" })}.${enc({ iss: state.appId, installation_id: installationId, exp: expiresAt, jti: randomUUID() })}`;
  const signature = createHmac("sha256", state.tokenSigningKey).update(input).digest("base64url");
  return `ghs_${state.appId}_${input}.${signature}`;
}

/** Mints an installation token living `state.tokenLifetimeSeconds` from now. */
export function mintToken(
  state: GithubState,
  installationId: number,
  nowSeconds: number,
  permissions: Permissions,
  repositoryIds: Set<number> | undefined,
): InstallationToken {
  const expiresAt = nowSeconds + state.tokenLifetimeSeconds;
  const record: InstallationToken = { token: tokenText(state, installationId, expiresAt), installationId, createdAt: nowSeconds, expiresAt, revoked: false, permissions, repositoryIds };
  state.tokens.set(record.token, record);
  state.tokensMinted += 1;
  return record;
}

/** The token if GitHub would accept it now: known, replicated, not revoked, not expired. */
export function liveToken(state: GithubState, token: string, nowSeconds: number): InstallationToken | undefined {
  const record = state.tokens.get(token);
  if (!record || record.revoked || record.expiresAt <= nowSeconds) return undefined;
  if (nowSeconds < record.createdAt + state.tokenReplicationDelaySeconds) return undefined;
  return record;
}

/** Revokes every token of one installation, or all tokens; returns how many were live. */
export function revokeTokens(state: GithubState, installationId?: number): number {
  let count = 0;
  for (const record of state.tokens.values()) {
    if (installationId !== undefined && record.installationId !== installationId) continue;
    if (!record.revoked) count += 1;
    record.revoked = true;
  }
  return count;
}

const LEVELS: Record<string, number> = { read: 1, write: 2, admin: 3 };

/** True when every requested permission is granted at that level or higher. */
export function isSubset(requested: Permissions, granted: Permissions): boolean {
  return Object.entries(requested).every(([name, level]) => (LEVELS[level] ?? 99) <= (LEVELS[granted[name] ?? ""] ?? 0));
}

/** True when the token holds `name` at `level` or higher. */
export function hasPermission(token: InstallationToken, name: string, level: "read" | "write"): boolean {
  return (LEVELS[token.permissions[name] ?? ""] ?? 0) >= (LEVELS[level] ?? 0);
}
