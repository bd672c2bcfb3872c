import { createPublicKey, type KeyObject } from "node:crypto";
import { AppError } from "../../domain/errors.js";
import { sendHttp } from "../../platform/http/send-http.js";

/** Atlassian's install keys never change for a kid, so a fetched key is kept; this bounds the cache. */
const MAX_CACHED_KEYS = 256;

/**
 * Resolves Atlassian Connect install keys (provider-contracts §4.3): `GET <keysUrl><kid>` answers the PEM
 * public key. Found keys are cached by kid for the life of the process; unknown kids are not (a later
 * rotation may publish them). The key server unreachable is an `unavailable` error, not a refusal.
 */
export function installKeyResolver(keysUrl: string, allowedPrivateTargets: readonly string[]): (kid: string) => Promise<KeyObject | null> {
  const base = keysUrl.endsWith("/") ? keysUrl : `${keysUrl}/`;
  const cache = new Map<string, KeyObject>();
  return async (kid) => {
    const cached = cache.get(kid);
    if (cached) return cached;
    const response = await sendHttp({ method: "GET", url: `${base}${encodeURIComponent(kid)}`, headers: { accept: "application/x-pem-file, text/plain" }, timeoutMs: 5_000 }, { allowedPrivateTargets });
    if (response.status === 404 || response.status === 400 || response.status === 403) return null;
    if (response.status !== 200) throw new AppError("unavailable", "install_keys_unavailable", `The Atlassian install-keys server answered HTTP ${response.status}; try the install again`);
    let key: KeyObject;
    try {
      key = createPublicKey(response.text);
    } catch {
      return null;
    }
    if (cache.size >= MAX_CACHED_KEYS) cache.delete(cache.keys().next().value as string);
    cache.set(kid, key);
    return key;
  };
}
