import type { FastifyRequest } from "fastify";
import type { App } from "../app.js";
import { isoNow } from "../platform/clock.js";
import { recordRejection } from "../store/webhook-rejections.js";

/** Headers worth keeping about a refused request: none of them carries a secret or a signature. */
const SAFE_HEADERS = ["user-agent", "content-type", "content-length", "x-github-event", "x-github-delivery", "x-github-hook-id", "x-forwarded-for"];
/** Refusals recorded per second per process; a flood of bad requests must not become a flood of writes. */
const PER_SECOND = 50;

let windowStart = 0;
let inWindow = 0;

export interface Rejection {
  provider: string;
  reason: string;
  secretTried: string;
  integrationId?: number | null;
  /** Finds the integration later, off the request path (GitHub: the installation the unverified body claims). */
  resolveIntegration?: () => Promise<number | null>;
}

/**
 * Notes why a webhook request was refused (reason code, which secret was tried, a few safe headers),
 * in the background: the answer never waits for it and a failure to record is only logged.
 */
export function noteRejection(app: App, request: FastifyRequest, rejection: Rejection): void {
  // Wall time, not the app's clock: the limit is about this process's real load.
  const now = Date.now();
  if (now - windowStart >= 1000) {
    windowStart = now;
    inWindow = 0;
  }
  if (++inWindow > PER_SECOND) return;
  const headers: Record<string, string> = {};
  for (const name of SAFE_HEADERS) {
    const value = request.headers[name];
    const text = Array.isArray(value) ? value[0] : value;
    if (typeof text === "string") headers[name] = text.slice(0, 200);
  }
  const receivedAt = isoNow(app.clock);
  const resolve = rejection.resolveIntegration ?? (async () => rejection.integrationId ?? null);
  resolve()
    .then((integrationId) =>
      recordRejection(app.store.db, {
        provider: rejection.provider,
        integrationId,
        reason: rejection.reason,
        secretTried: rejection.secretTried,
        headers,
        receivedAt,
      }),
    )
    .catch((error: unknown) => app.logger.warn({ err: (error as Error).message, reason: rejection.reason }, "could not record a webhook rejection"));
}
