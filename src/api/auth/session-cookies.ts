import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";

/** The httpOnly cookie carrying the session token. */
export const SESSION_COOKIE = "sb_session";
/** The script-readable cookie carrying the CSRF token, echoed back in {@link CSRF_HEADER}. */
export const CSRF_COOKIE = "sb_csrf";
/** The header a state-changing request made with a session must carry. */
export const CSRF_HEADER = "x-csrf-token";

/** One cookie's value from the request's Cookie header, or undefined. */
export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    // Our values are base64url; anything else was not set by us and names no session.
    return /^[A-Za-z0-9_-]{16,128}$/.test(value) ? value : undefined;
  }
  return undefined;
}

function cookie(name: string, value: string, options: { httpOnly: boolean; secure: boolean; maxAge?: number }): string {
  const parts = [`${name}=${value}`, "Path=/", options.httpOnly ? "SameSite=Lax" : "SameSite=Strict"];
  if (options.httpOnly) parts.push("HttpOnly");
  if (options.secure) parts.push("Secure");
  if (options.maxAge !== undefined) parts.push(`Max-Age=${options.maxAge}`);
  return parts.join("; ");
}

/** Sets the session and CSRF cookies; Secure when the service is served over https. */
export function setSessionCookies(reply: FastifyReply, token: string, csrfToken: string, secure: boolean): void {
  reply.header("set-cookie", [cookie(SESSION_COOKIE, token, { httpOnly: true, secure }), cookie(CSRF_COOKIE, csrfToken, { httpOnly: false, secure })]);
}

/** Expires both cookies (logout, or a cookie naming no live session). */
export function clearSessionCookies(reply: FastifyReply, secure: boolean): void {
  reply.header("set-cookie", [cookie(SESSION_COOKIE, "", { httpOnly: true, secure, maxAge: 0 }), cookie(CSRF_COOKIE, "", { httpOnly: false, secure, maxAge: 0 })]);
}

/** True when the request's CSRF header hashes to the session's stored CSRF hash (constant time). */
export function csrfHeaderMatches(request: FastifyRequest, csrfHash: string): boolean {
  const header = request.headers[CSRF_HEADER];
  if (typeof header !== "string" || header.length === 0 || header.length > 128) return false;
  const actual = createHash("sha256").update(header, "utf8").digest();
  const expected = Buffer.from(csrfHash, "hex");
  return expected.length === actual.length && timingSafeEqual(actual, expected);
}
