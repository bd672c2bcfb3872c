import { timingSafeEqual, type KeyObject } from "node:crypto";
import { decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload } from "jose";
import { queryStringHash } from "./query-string-hash.js";

/** The lifecycle request as received: what the JWT's claims must match. */
export interface LifecycleRequest {
  method: string;
  /** Path without query, as sent. */
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  /** The body's `clientKey`; the JWT's `iss` must name it. */
  clientKey: string;
}

export interface LifecycleKeys {
  /** The install key a `kid` names (RS256), or null when the key server does not know it. */
  installKey(kid: string): Promise<KeyObject | null>;
  /** The shared secret stored by this clientKey's previous install, if any (HS256). */
  storedSecret(clientKey: string): Promise<string | null>;
}

export interface LifecycleExpectations {
  /** Our base URL as the descriptor gives it: the RS256 token's `aud`. */
  audience: string;
  now: Date;
}

export type LifecycleVerdict = { ok: true; signedBy: "install_key" | "stored_secret" } | { ok: false; code: string; message: string };

/** Install-key ids are UUIDs at Atlassian; anything path-like is refused before it reaches a URL. */
const SAFE_KID = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;
/** Atlassian signs lifecycle tokens for 3 minutes; this is the skew we forgive. */
const CLOCK_TOLERANCE_SECONDS = 30;

const refuse = (code: string, message: string): LifecycleVerdict => ({ ok: false, code, message });

/**
 * D11: a Connect lifecycle request (`installed`, `uninstalled`) is believed only with `Authorization: JWT
 * <token>` whose issuer is the body's clientKey and whose `qsh` is this request's, signed either RS256 by
 * the install key its `kid` names (audience = our base URL), or HS256 by the secret stored for that
 * clientKey (a re-install or uninstall of a known installation; Sentry checks no audience there).
 * Anything else is refused: `alg: none`, HS256 on a first install, a kid the key server does not serve.
 */
export async function verifyLifecycleJwt(request: LifecycleRequest, keys: LifecycleKeys, expect: LifecycleExpectations): Promise<LifecycleVerdict> {
  const match = /^JWT ([A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]*)$/.exec(request.authorization ?? "");
  if (!match?.[1]) return refuse("lifecycle_jwt_missing", "Missing or malformed Authorization header (expected `JWT <token>`)");
  const token = match[1];
  let header: ReturnType<typeof decodeProtectedHeader>;
  let unverified: JWTPayload;
  try {
    header = decodeProtectedHeader(token);
    unverified = decodeJwt(token);
  } catch {
    return refuse("lifecycle_jwt_invalid", "The lifecycle JWT could not be decoded");
  }
  if (unverified.iss !== request.clientKey) return refuse("lifecycle_jwt_issuer_mismatch", "The lifecycle JWT's issuer does not match the client key");
  const options = { currentDate: expect.now, clockTolerance: CLOCK_TOLERANCE_SECONDS, requiredClaims: ["exp", "iat", "qsh"] };
  let claims: JWTPayload;
  let signedBy: "install_key" | "stored_secret";
  try {
    if (header.kid !== undefined) {
      if (header.alg !== "RS256") return refuse("lifecycle_jwt_algorithm", "A lifecycle JWT with a key id must be RS256");
      if (typeof header.kid !== "string" || !SAFE_KID.test(header.kid)) return refuse("lifecycle_jwt_key_unknown", "The lifecycle JWT names an invalid key id");
      const key = await keys.installKey(header.kid);
      if (!key) return refuse("lifecycle_jwt_key_unknown", "The lifecycle JWT names a key the install-keys server does not serve");
      const audience = expect.audience.replace(/\/+$/, "");
      claims = (await jwtVerify(token, key, { ...options, algorithms: ["RS256"], audience: [audience, `${audience}/`] })).payload;
      signedBy = "install_key";
    } else {
      if (header.alg !== "HS256") return refuse("lifecycle_jwt_algorithm", "A lifecycle JWT without a key id must be HS256");
      const secret = await keys.storedSecret(request.clientKey);
      if (!secret) return refuse("lifecycle_jwt_unsigned_install", "A first install must be signed with an Atlassian install key (RS256 with kid)");
      claims = (await jwtVerify(token, new TextEncoder().encode(secret), { ...options, algorithms: ["HS256"] })).payload;
      signedBy = "stored_secret";
    }
  } catch {
    return refuse("lifecycle_jwt_invalid", "The lifecycle JWT's signature, audience or lifetime is invalid");
  }
  const expected = Buffer.from(queryStringHash(request.method, request.path, request.query, new URL(expect.audience).pathname));
  const received = Buffer.from(typeof claims.qsh === "string" ? claims.qsh : "");
  if (expected.length !== received.length || !timingSafeEqual(expected, received)) return refuse("lifecycle_jwt_qsh_mismatch", "The lifecycle JWT's query hash does not match this request");
  return { ok: true, signedBy };
}
