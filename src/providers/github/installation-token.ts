import type { Kysely } from "kysely";
import { AppError } from "../../domain/errors.js";
import { isoNow, nowSeconds, type Clock } from "../../platform/clock.js";
import type { LockManager } from "../../platform/lock/lock.js";
import type { Vault } from "../../platform/vault/vault.js";
import { CredentialCache } from "../../auth/credential-cache.js";
import { readCredential, writeCredential } from "../../store/identities.js";
import type { Database } from "../../store/schema.js";

export const INSTALLATION_PROVIDER = "github_installation";

export interface InstallationSecret {
  token: string;
  permissions: Record<string, string>;
  /** Epoch seconds the token was minted (GitHub may 401 it for a few seconds: replication). */
  mintedAt: number;
}

export interface InstallationTokenDeps {
  db: Kysely<Database>;
  vault: Vault;
  lock: LockManager;
  clock: Clock;
  marginSeconds: number;
  /** Mints a token at GitHub (`POST /app/installations/{id}/access_tokens`). */
  mint(installationId: string): Promise<{ token: string; expiresAt: number; permissions: Record<string, string> }>;
}

const inFlight = new Map<string, Promise<InstallationSecret>>();

/**
 * The installation's token, fresh for at least the margin (D1): one mint per installation at a time,
 * in the process (shared promise) and across processes (a fenced lock, the credential re-read under
 * it, and a version compare-and-swap on write). `stale` forces a new token unless someone already
 * replaced that one.
 */
export function installationToken(deps: InstallationTokenDeps, installationId: string, stale?: string): Promise<InstallationSecret> {
  const cached = stale === undefined ? cachedInstallationToken(deps, installationId) : undefined;
  if (cached) return Promise.resolve(cached);
  const key = `${installationId}:${stale ?? ""}`;
  const pending = inFlight.get(key);
  if (pending) return pending;
  const promise = obtain(deps, installationId, stale).finally(() => inFlight.delete(key));
  inFlight.set(key, promise);
  return promise;
}

/** The installation's token from this process's cache when it is still fresh beyond the margin (no store read). */
export function cachedInstallationToken(deps: InstallationTokenDeps, installationId: string): InstallationSecret | undefined {
  return cacheOf(deps).fresh(installationId, nowSeconds(deps.clock), deps.marginSeconds);
}

/** This store's cache of installation tokens (hold it: looking it up costs more than using it). */
export function installationTokenCache(deps: InstallationTokenDeps): CredentialCache<InstallationSecret> {
  return cacheOf(deps);
}

function cacheOf(deps: InstallationTokenDeps): CredentialCache<InstallationSecret> {
  return CredentialCache.for<InstallationSecret>(deps.db, INSTALLATION_PROVIDER);
}

function usable(deps: InstallationTokenDeps, cred: { expiresAt: number | null; secret: InstallationSecret } | undefined, stale?: string): boolean {
  return cred !== undefined && cred.expiresAt !== null && cred.expiresAt > nowSeconds(deps.clock) + deps.marginSeconds && cred.secret.token !== stale;
}

async function obtain(deps: InstallationTokenDeps, installationId: string, stale?: string): Promise<InstallationSecret> {
  const cache = cacheOf(deps);
  if (stale !== undefined) cache.forget(installationId);
  const current = await readCredential<InstallationSecret>(deps.db, deps.vault, INSTALLATION_PROVIDER, installationId);
  if (usable(deps, current, stale)) {
    cache.remember(installationId, current!.expiresAt, current!.secret);
    return current!.secret;
  }
  const lease = await deps.lock.acquire(`credential:${INSTALLATION_PROVIDER}:${installationId}`, { ttlMs: 30_000, waitMs: 20_000, retryDelayMs: 25 });
  if (!lease) throw new AppError("unavailable", "credential_lock_timeout", "Another process is refreshing this GitHub installation's token; try again");
  try {
    // Re-read under the lock: a sibling process may have minted while we waited.
    const fresh = await readCredential<InstallationSecret>(deps.db, deps.vault, INSTALLATION_PROVIDER, installationId);
    if (usable(deps, fresh, stale)) {
      cache.remember(installationId, fresh!.expiresAt, fresh!.secret);
      return fresh!.secret;
    }
    const minted = await deps.mint(installationId);
    const secret: InstallationSecret = { token: minted.token, permissions: minted.permissions, mintedAt: nowSeconds(deps.clock) };
    const written = await writeCredential(deps.db, deps.vault, { provider: INSTALLATION_PROVIDER, externalId: installationId }, fresh?.version ?? 0, secret, minted.expiresAt, isoNow(deps.clock));
    if (!written) {
      // Our lease lapsed and a newer holder wrote: its token wins, ours is simply not stored.
      const winner = await readCredential<InstallationSecret>(deps.db, deps.vault, INSTALLATION_PROVIDER, installationId);
      if (winner) {
        cache.remember(installationId, winner.expiresAt, winner.secret);
        return winner.secret;
      }
    }
    cache.remember(installationId, minted.expiresAt, secret);
    return secret;
  } finally {
    await deps.lock.release(lease);
  }
}
