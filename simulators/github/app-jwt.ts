import { verify } from "node:crypto";
import type { GithubState } from "./state.js";

/** Whether GitHub accepts an app JWT, and if not its status and message (§1.4). */
export type JwtVerdict = { ok: true } | { ok: false; status: number; message: string };

export const JWT_MESSAGES = {
  undecodable: "A JSON web token could not be decoded",
  iat: "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
  expNotFuture: "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
  expTooFar: "'Expiration time' claim ('exp') is too far in the future",
} as const;

/** How far in the future GitHub lets `iat` be (clock drift between the app and GitHub). */
export const IAT_SKEW_SECONDS = 60;
/** The furthest `exp` may be from GitHub's now (§1.1). */
export const MAX_EXP_AHEAD_SECONDS = 600;

const refuse = (message: string): JwtVerdict => ({ ok: false, status: 401, message });

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** True when `iss` names this app: its numeric id (number or numeric string) or its client id (§1.1). */
function issuerMatches(iss: unknown, state: GithubState): boolean {
  if (typeof iss === "number") return iss === state.appId;
  if (typeof iss !== "string") return false;
  return iss === state.clientId || (/^\d+$/.test(iss) && Number(iss) === state.appId);
}

/**
 * Checks an app JWT as GitHub does (§1.1, §1.4): RS256 signed by the app's key, `iss` naming the app,
 * `iat` an integer not ahead of GitHub's clock by more than the drift allowance, `exp` in the future
 * and no more than 10 minutes ahead of GitHub's clock (not of `iat`: GitHub's own example signs
 * `iat = now - 60`, `exp = now + 600`).
 */
export function verifyAppJwt(token: string, state: GithubState, nowSeconds: number): JwtVerdict {
  const parts = token.split(".");
  if (parts.length !== 3) return refuse(JWT_MESSAGES.undecodable);
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJson(headerPart);
  const claims = decodeJson(payloadPart);
  if (!header || !claims || header.alg !== "RS256") return refuse(JWT_MESSAGES.undecodable);
  const signed = verify("RSA-SHA256", Buffer.from(`${headerPart}.${payloadPart}`), state.publicKey, Buffer.from(signaturePart, "base64url"));
  // A valid signature under another app's id is indistinguishable, for GitHub, from a bad one.
  if (!signed || !issuerMatches(claims.iss, state)) return refuse(JWT_MESSAGES.undecodable);
  const { iat, exp } = claims;
  if (typeof iat !== "number" || !Number.isInteger(iat) || iat > nowSeconds + IAT_SKEW_SECONDS) return refuse(JWT_MESSAGES.iat);
  if (typeof exp !== "number" || !Number.isFinite(exp) || exp <= nowSeconds) return refuse(JWT_MESSAGES.expNotFuture);
  if (exp > nowSeconds + MAX_EXP_AHEAD_SECONDS) return refuse(JWT_MESSAGES.expTooFar);
  return { ok: true };
}
