import { createVerify } from "node:crypto";
import type { GithubState } from "./state.js";

/** Why GitHub refuses an app JWT, with its real messages (§1.4). */
export type JwtVerdict = { ok: true } | { ok: false; status: number; message: string };

const UNDECODABLE = "A JSON web token could not be decoded";
/** GitHub tolerates a little clock drift on `iat`. */
const IAT_SKEW_SECONDS = 60;

function decode(part: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Checks an app JWT as GitHub does (§1.1): RS256 by the app's key, iss, iat, exp at most 10 minutes ahead. */
export function verifyAppJwt(token: string, state: GithubState, nowSeconds: number): JwtVerdict {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, status: 401, message: UNDECODABLE };
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decode(headerPart);
  const claims = decode(payloadPart);
  if (!header || !claims || header.alg !== "RS256") return { ok: false, status: 401, message: UNDECODABLE };
  const verifier = createVerify("RSA-SHA256");
  verifier.update(`${headerPart}.${payloadPart}`);
  if (!verifier.verify(state.publicKey, Buffer.from(signaturePart, "base64url"))) return { ok: false, status: 401, message: UNDECODABLE };
  const iss = claims.iss;
  if (String(iss) !== String(state.appId) && iss !== state.clientId) return { ok: false, status: 404, message: "Integration not found" };
  const { iat, exp } = claims;
  if (typeof iat !== "number" || !Number.isInteger(iat) || iat > nowSeconds + IAT_SKEW_SECONDS) {
    return { ok: false, status: 401, message: "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued" };
  }
  if (typeof exp !== "number" || exp <= nowSeconds) {
    return { ok: false, status: 401, message: "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires" };
  }
  if (exp > nowSeconds + 600 || exp - iat > 600) {
    return { ok: false, status: 401, message: "'Expiration time' claim ('exp') is too far in the future" };
  }
  return { ok: true };
}
