import type { App } from "../../app.js";

const TTL_MS = 30_000;
/** Unknown installations are retried sooner: an installation delivery may create the integration. */
const MISS_TTL_MS = 2_000;
const MAX_ENTRIES = 10_000;
const caches = new WeakMap<App, Map<string, { integrationId: number | null; at: number }>>();

/** The installation id a GitHub payload names, if any (payload already parsed by the route). */
export function installationIdOf(payload: unknown): number | undefined {
  const id = (payload as { installation?: { id?: unknown } } | null)?.installation?.id;
  return typeof id === "number" && Number.isSafeInteger(id) ? id : undefined;
}

/** The installation id an unverified body claims (only bodies up to 1 MB are looked at; never trusted for anything but labelling a rejection). */
export function claimedInstallationId(body: Buffer): number | undefined {
  if (body.length > 1024 * 1024) return undefined;
  try {
    return installationIdOf(JSON.parse(body.toString("utf8")));
  } catch {
    return undefined;
  }
}

/**
 * The integration a GitHub installation id belongs to (integrations.external_id), cached for a few
 * seconds per app so a burst of deliveries costs one lookup; null when no integration has it yet.
 */
export async function resolveGithubInstallation(app: App, installationId: number | undefined): Promise<number | null> {
  if (installationId === undefined) return null;
  const key = String(installationId);
  const now = app.clock.now();
  let cache = caches.get(app);
  if (!cache) caches.set(app, (cache = new Map()));
  const hit = cache.get(key);
  if (hit && now - hit.at < (hit.integrationId === null ? MISS_TTL_MS : TTL_MS)) return hit.integrationId;
  const row = await app.store.db.selectFrom("integrations").select("id").where("provider", "=", "github").where("external_id", "=", key).executeTakeFirst();
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(key, { integrationId: row?.id ?? null, at: now });
  return row?.id ?? null;
}
