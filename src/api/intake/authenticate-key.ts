import type { FastifyRequest } from "fastify";
import { AppError } from "../../domain/errors.js";
import { parseDsn, parseSentryAuthHeader } from "../../domain/sentry-auth.js";
import type { Store } from "../../store/database.js";
import { findActiveProjectKey, type ActiveProjectKey } from "../../store/project-keys.js";

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** The public key a request carries: X-Sentry-Auth, `Authorization: Sentry ...`, `?sentry_key=`, or the envelope's DSN. */
export function requestPublicKey(request: FastifyRequest, envelopeDsn?: unknown): string | undefined {
  const fromHeader = parseSentryAuthHeader(header(request, "x-sentry-auth")) ?? parseSentryAuthHeader(header(request, "authorization"));
  if (fromHeader?.key) return fromHeader.key;
  const query = request.query as Record<string, unknown> | undefined;
  if (typeof query?.sentry_key === "string" && query.sentry_key) return query.sentry_key;
  return parseDsn(envelopeDsn)?.publicKey;
}

/**
 * Active keys seen in the last few seconds, per store: one SQL lookup per key per interval instead of per
 * event (Relay caches project configs the same way). A disabled key stops working within KEY_CACHE_MS;
 * unknown keys are never cached, so a new key works at once.
 */
export const KEY_CACHE_MS = 5_000;
const KEY_CACHE_MAX = 10_000;
const keyCaches = new WeakMap<Store, Map<string, { key: ActiveProjectKey; until: number }>>();

async function lookupKey(store: Store, publicKey: string): Promise<ActiveProjectKey | undefined> {
  let cache = keyCaches.get(store);
  if (!cache) keyCaches.set(store, (cache = new Map()));
  const now = Date.now();
  const hit = cache.get(publicKey);
  if (hit && hit.until > now) return hit.key;
  const key = await findActiveProjectKey(store.db, publicKey);
  if (cache.size >= KEY_CACHE_MAX) cache.clear();
  if (key) cache.set(publicKey, { key, until: now + KEY_CACHE_MS });
  else cache.delete(publicKey);
  return key;
}

/** Resolves the key and checks it belongs to the project in the URL; 401 with the reason otherwise. */
export async function authenticateProjectKey(store: Store, projectId: number, publicKey: string | undefined): Promise<ActiveProjectKey> {
  if (!publicKey) {
    throw new AppError("unauthorized", "missing_sentry_key", "Missing project key: send X-Sentry-Auth: Sentry sentry_key=<public key>, or ?sentry_key=");
  }
  if (publicKey.length > 64 || !/^[A-Za-z0-9_-]+$/.test(publicKey)) {
    throw new AppError("unauthorized", "invalid_sentry_key", "The project key is malformed");
  }
  const key = await lookupKey(store, publicKey);
  if (!key) throw new AppError("unauthorized", "unknown_sentry_key", "Unknown or disabled project key");
  if (key.projectId !== projectId) throw new AppError("unauthorized", "sentry_key_project_mismatch", "The project key does not belong to this project");
  return key;
}
