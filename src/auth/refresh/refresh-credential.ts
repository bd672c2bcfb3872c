import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import { CredentialCache } from "../credential-cache.js";
import { noteAuthFailure } from "../note-auth-failure.js";
import { AppError, isAppError } from "../../domain/errors.js";
import { isoNow, type Clock } from "../../platform/clock.js";
import type { LockManager } from "../../platform/lock/lock.js";
import type { Vault } from "../../platform/vault/vault.js";
import {
  clearRefreshIntent,
  markNeedsReauth,
  readCredential,
  readRefreshState,
  recordRefreshIntent,
  writeCredential,
  type StoredCredential,
} from "../../store/identities.js";
import type { Database } from "../../store/schema.js";

/** The secret fields of a refreshable OAuth2 credential. */
export interface OAuth2Secret {
  accessToken: string;
  refreshToken: string;
  [extra: string]: unknown;
}

/** What a token endpoint answered; `refreshToken` absent means the old one stays valid. */
export interface TokenGrant {
  accessToken: string;
  refreshToken?: string;
  expiresInSeconds?: number;
}

/** Thrown by a token endpoint caller when the provider refused the refresh token (invalid_grant / 401). */
export class RefreshRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export interface RefreshDeps {
  db: Kysely<Database>;
  vault: Vault;
  lock: LockManager;
  clock: Clock;
  marginSeconds: number;
  /** Used when the provider omits `expires_in`, so the credential does not refresh on every request. */
  defaultLifetimeSeconds?: number;
  lockTtlMs?: number;
  lockWaitMs?: number;
  /** Callers sharing one map share one in-flight refresh; one map per process (per App). */
  inFlight?: Map<string, Promise<StoredCredential<OAuth2Secret>>>;
}

export type TokenEndpoint = (refreshToken: string) => Promise<TokenGrant>;

const processInFlight = new Map<string, Promise<StoredCredential<OAuth2Secret>>>();

/** Whether a credential must be refreshed before use: expired means `expires <= now + margin` (D1). */
export function isStale(expiresAt: number | null, nowMs: number, marginSeconds: number): boolean {
  if (expiresAt === null) return true;
  return expiresAt <= Math.floor(nowMs / 1000) + marginSeconds;
}

function missingExpiry(): AppError {
  return new AppError("unauthorized", "identity_missing_expiry", "VstsApiClient requires identity with specified expired time");
}

function needsReauth(): AppError {
  return new AppError("unauthorized", "identity_needs_reauth", "The integration's authorization was revoked or expired; reconnect it to continue.");
}

/**
 * Returns a fresh credential, refreshing it at most once across the deployment: callers in this process
 * share one promise; across processes a fenced lock is taken, the credential re-read under it, and the
 * token endpoint called only when it is still stale (D2, D3). `force` refreshes a token a provider refused.
 */
export async function getFreshCredential(
  deps: RefreshDeps,
  provider: string,
  externalId: string,
  callTokenEndpoint: TokenEndpoint,
  options: { force?: boolean; rejectedAccessToken?: string } = {},
): Promise<StoredCredential<OAuth2Secret>> {
  const cache = CredentialCache.for<StoredCredential<OAuth2Secret>>(deps.db, `oauth2:${provider}`);
  if (options.force !== true) {
    const hit = cache.fresh(externalId, Math.floor(deps.clock.now() / 1000), deps.marginSeconds);
    if (hit) return hit;
  } else {
    cache.forget(externalId);
  }
  const current = await readCredential<OAuth2Secret>(deps.db, deps.vault, provider, externalId);
  if (!current) throw new AppError("not_found", "identity_not_found", "The integration has no stored credential.");
  if (current.status === "needs_reauth") throw needsReauth();
  if (current.expiresAt === null) throw missingExpiry();
  const forced = options.force === true && current.secret.accessToken === options.rejectedAccessToken;
  if (!forced && !isStale(current.expiresAt, deps.clock.now(), deps.marginSeconds)) {
    cache.remember(externalId, current.expiresAt, current);
    return current;
  }

  const key = `${provider}:${externalId}`;
  const inFlight = deps.inFlight ?? processInFlight;
  const shared = inFlight.get(key);
  if (shared) return shared;
  const refresh = refreshUnderLock(deps, provider, externalId, callTokenEndpoint, forced ? options.rejectedAccessToken : undefined)
    .then((credential) => {
      if (credential.status === "active") cache.remember(externalId, credential.expiresAt, credential);
      return credential;
    })
    .finally(() => {
      inFlight.delete(key);
    });
  inFlight.set(key, refresh);
  return refresh;
}

async function refreshUnderLock(
  deps: RefreshDeps,
  provider: string,
  externalId: string,
  callTokenEndpoint: TokenEndpoint,
  rejectedAccessToken: string | undefined,
): Promise<StoredCredential<OAuth2Secret>> {
  const lease = await deps.lock.acquire(`identity-refresh:${provider}:${externalId}`, {
    ttlMs: deps.lockTtlMs ?? 30_000,
    waitMs: deps.lockWaitMs ?? 35_000,
    retryDelayMs: 20,
  });
  if (!lease) noteAuthFailure(deps, provider, externalId, "lock_contention", "the refresh lock stayed busy");
  if (!lease) throw new AppError("unavailable", "identity_refresh_busy", "Another refresh of this credential did not finish in time; try again.");
  try {
    // Re-read under the lock: a sibling process may have refreshed while we waited.
    const fresh = await readCredential<OAuth2Secret>(deps.db, deps.vault, provider, externalId);
    if (!fresh) throw new AppError("not_found", "identity_not_found", "The integration has no stored credential.");
    if (fresh.status === "needs_reauth") throw needsReauth();
    if (fresh.expiresAt === null) throw missingExpiry();
    const stillRejected = rejectedAccessToken !== undefined && fresh.secret.accessToken === rejectedAccessToken;
    if (!stillRejected && !isStale(fresh.expiresAt, deps.clock.now(), deps.marginSeconds)) return fresh;

    // A previous holder called the token endpoint and never stored the answer (timeout, crash). The
    // refresh token may be burned, or the request may never have arrived: one more try tells which, and
    // a refusal is then reported as the lost answer it is rather than as a plain revocation.
    const state = await readRefreshState(deps.db, provider, externalId);
    const lostBefore = state?.refresh_intent_id ? (state.refresh_intent_at ?? "?") : undefined;
    const intentId = randomUUID();
    await recordRefreshIntent(deps.db, provider, externalId, intentId, isoNow(deps.clock));
    let grant: TokenGrant;
    try {
      grant = await callTokenEndpoint(fresh.secret.refreshToken);
    } catch (error) {
      if (error instanceof RefreshRefused) {
        // Possibly a lost race: if a sibling rotated the token meanwhile, use its result.
        const again = await readCredential<OAuth2Secret>(deps.db, deps.vault, provider, externalId);
        if (again && again.secret.refreshToken !== fresh.secret.refreshToken && again.status === "active") {
          noteAuthFailure(deps, provider, externalId, "rotated_by_sibling", error.reason);
          await clearRefreshIntent(deps.db, provider, externalId, intentId);
          return again;
        }
        if (lostBefore !== undefined) {
          noteAuthFailure(deps, provider, externalId, "revoked", `lost answer: ${error.reason}`);
          const reason = `identity_refresh_lost: a refresh started at ${lostBefore} never stored its answer, and its refresh token is now refused`;
          await markNeedsReauth(deps.db, provider, externalId, reason, isoNow(deps.clock));
          throw new AppError("unauthorized", "identity_refresh_lost", "A previous refresh of this credential lost its answer and the provider no longer accepts the refresh token; reconnect the integration.");
        }
        noteAuthFailure(deps, provider, externalId, "revoked", error.reason);
        await markNeedsReauth(deps.db, provider, externalId, `refresh refused: ${error.reason}`, isoNow(deps.clock));
        throw needsReauth();
      }
      // A refused connection never reached the provider: the refresh token is intact. Any other failure may
      // have lost an answer, so the intent stays for the next refresh to judge.
      noteAuthFailure(deps, provider, externalId, error);
      if (isAppError(error, "outbound_unreachable") && isConnectionRefused(error)) await clearRefreshIntent(deps.db, provider, externalId, intentId);
      throw error;
    }
    const lifetime = grant.expiresInSeconds ?? deps.defaultLifetimeSeconds ?? 3600;
    const expiresAt = Math.floor(deps.clock.now() / 1000) + lifetime;
    const secret: OAuth2Secret = { ...fresh.secret, accessToken: grant.accessToken, refreshToken: grant.refreshToken ?? fresh.secret.refreshToken };
    const written = await writeCredential(deps.db, deps.vault, { provider, externalId }, fresh.version, secret, expiresAt, isoNow(deps.clock));
    await clearRefreshIntent(deps.db, provider, externalId, intentId);
    if (!written) {
      const winner = await readCredential<OAuth2Secret>(deps.db, deps.vault, provider, externalId);
      if (!winner) throw new AppError("not_found", "identity_not_found", "The integration has no stored credential.");
      return winner;
    }
    return { ...fresh, version: fresh.version + 1, expiresAt, secret, status: "active" };
  } finally {
    await deps.lock.release(lease);
  }
}

/** True when the connection was refused outright, so the request cannot have reached the provider. */
function isConnectionRefused(error: AppError): boolean {
  const cause = (error.cause as { cause?: { code?: string }; code?: string } | undefined) ?? {};
  return cause.code === "ECONNREFUSED" || cause.cause?.code === "ECONNREFUSED";
}
