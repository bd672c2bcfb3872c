import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { App } from "../../app.js";
import { AppError } from "../../domain/errors.js";

/** How long a person has to finish an install flow once started. */
export const STATE_TTL_SECONDS = 600;

/** What a signed install state carries: the organization, the provider, a nonce and the expiry. */
export interface InstallState {
  organizationId: number;
  provider: string;
  nonce: string;
  /** Epoch seconds. */
  expiresAt: number;
}

interface Payload {
  o: number;
  p: string;
  n: string;
  e: number;
}

function keyOf(app: App): Buffer {
  return app.vault.deriveKey("install-state");
}

function mac(app: App, body: string): Buffer {
  return createHmac("sha256", keyOf(app)).update(body).digest();
}

function refused(code: string, message: string): AppError {
  return new AppError("validation", code, message);
}

/** Signs a state tying an install flow to an organization: HMAC-SHA256 over organization, provider, nonce, expiry. */
export function signInstallState(app: App, organizationId: number, provider: string): string {
  const payload: Payload = { o: organizationId, p: provider, n: randomBytes(16).toString("base64url"), e: Math.floor(app.clock.now() / 1000) + STATE_TTL_SECONDS };
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return `${body}.${mac(app, body).toString("base64url")}`;
}

/**
 * Checks a state's signature, provider and expiry without using it up (a page may be shown before the
 * final step). A forged, altered or foreign state is `install_state_invalid`; a late one `install_state_expired`.
 */
export function readInstallState(app: App, state: unknown, provider: string): InstallState {
  if (typeof state !== "string" || state.length === 0 || state.length > 1000) throw refused("install_state_invalid", "The install link is invalid; start the installation again.");
  const [body, signature, extra] = state.split(".");
  if (!body || !signature || extra !== undefined) throw refused("install_state_invalid", "The install link is invalid; start the installation again.");
  const expected = mac(app, body);
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refused("install_state_invalid", "The install link is invalid; start the installation again.");
  let payload: Payload;
  try {
    payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Payload;
  } catch {
    throw refused("install_state_invalid", "The install link is invalid; start the installation again.");
  }
  if (payload.p !== provider || !Number.isSafeInteger(payload.o) || typeof payload.n !== "string" || !Number.isSafeInteger(payload.e)) {
    throw refused("install_state_invalid", "The install link is invalid; start the installation again.");
  }
  if (payload.e <= Math.floor(app.clock.now() / 1000)) throw refused("install_state_expired", "The install link has expired; start the installation again.");
  return { organizationId: payload.o, provider: payload.p, nonce: payload.n, expiresAt: payload.e };
}

/**
 * Verifies a state and uses it up: its nonce is held as a lock until the state expires, so a replay
 * (even racing the first use, in another process) is `install_state_used`.
 */
export async function consumeInstallState(app: App, state: unknown, provider: string): Promise<InstallState> {
  const verified = readInstallState(app, state, provider);
  const ttlMs = Math.max(1000, verified.expiresAt * 1000 - app.clock.now() + 1000);
  const lease = await app.platform.lock.acquire(`install-state-used:${verified.nonce}`, { ttlMs, waitMs: 0 });
  if (!lease) throw refused("install_state_used", "This install link was already used; start the installation again.");
  return verified;
}
