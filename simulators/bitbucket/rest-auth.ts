import type { SimRequest, SimResponse } from "../shared/sim-server.js";
import { bbError, UNAUTHORIZED_MESSAGE } from "./errors.js";
import { decodeJwt, verifyHs256 } from "./jwt.js";
import { queryStringHash } from "./qsh.js";
import type { BitbucketState, Installation } from "./state.js";

export type AuthResult = { ok: true; installation: Installation } | { ok: false; response: SimResponse };

/** Atlassian's JWT verifiers allow this much clock drift on `iat` and `exp`. */
export const TIME_LEEWAY_SECONDS = 30;

/** Scopes and the narrower scopes each one implies (Bitbucket's scope hierarchy). */
const IMPLIES: Record<string, string[]> = {
  "repository:admin": ["repository:write", "repository"],
  "repository:write": ["repository"],
  "issue:write": ["issue"],
  "pullrequest:write": ["pullrequest", "repository"],
  pullrequest: ["repository"],
  "project:admin": ["project"],
  "account:write": ["account"],
  "team:write": ["team"],
};

function refuse(reason: string): AuthResult {
  // The reason header is the simulator's own aid for debugging; Bitbucket's body never says why.
  return { ok: false, response: bbError(401, UNAUTHORIZED_MESSAGE, {}, { "www-authenticate": 'JWT realm="Bitbucket.org HTTP"', "x-sim-auth-failure": reason }) };
}

function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/**
 * Checks the app's `Authorization: JWT <token>` (§4.4): HS256 with the shared secret of the installation
 * named by `sub` (the clientKey) whose app key is `iss`, `exp` not passed, lifetime bounded, exact `qsh` (§4.5).
 */
export function authenticateApp(req: SimRequest, state: BitbucketState, nowSeconds: number): AuthResult {
  const header = req.headers.authorization;
  if (!header) return refuse("missing Authorization header (Bitbucket ignores ?jwt= on API calls)");
  // The scheme is case-sensitive: `JWT`, not `Bearer` nor `jwt`.
  if (!header.startsWith("JWT ")) return refuse("Authorization scheme is not JWT");
  const jwt = decodeJwt(header.slice(4).trim());
  if (!jwt) return refuse("token is not a decodable JWT");
  if (jwt.header.alg !== "HS256") return refuse(`alg ${String(jwt.header.alg)} is not HS256`);
  const { iss, sub, iat, exp, qsh } = jwt.claims;
  if (typeof iss !== "string" || typeof sub !== "string") return refuse("iss (app key) and sub (clientKey) are required");
  const installation = state.installations.get(sub);
  if (!installation || installation.appKey !== iss) return refuse("no installation of app iss with clientKey sub");
  if (!verifyHs256(jwt, installation.sharedSecret)) return refuse("signature does not verify with the shared secret");
  if (typeof iat !== "number" || typeof exp !== "number") return refuse("iat and exp are required");
  if (exp + TIME_LEEWAY_SECONDS <= nowSeconds) return refuse("token expired");
  if (iat - TIME_LEEWAY_SECONDS > nowSeconds) return refuse("iat is in the future");
  if (exp - iat > state.maxTokenLifetimeSeconds) return refuse(`lifetime exp - iat exceeds ${state.maxTokenLifetimeSeconds}s`);
  if (typeof qsh !== "string") return refuse("qsh is required");
  const query = req.url.searchParams;
  // Clients hash either the path as sent or its decoded form (`{uuid}` segments); both name the same request.
  const expected = new Set([queryStringHash(req.method, req.url.pathname, query), queryStringHash(req.method, decodePath(req.url.pathname), query)]);
  if (!expected.has(qsh)) return refuse("qsh does not match this request");
  return { ok: true, installation };
}

/** Whether the installation's granted scopes cover `required`. */
export function hasScope(installation: Installation, required: string): boolean {
  const granted = new Set<string>();
  const add = (scope: string) => {
    if (granted.has(scope)) return;
    granted.add(scope);
    for (const implied of IMPLIES[scope] ?? []) add(implied);
  };
  installation.scopes.forEach(add);
  return granted.has(required);
}

/** Bitbucket's 403 for a scope the app was not granted. */
export function scopeError(installation: Installation, required: string): SimResponse {
  return bbError(403, "Your credentials lack one or more required privilege scopes.", { detail: { granted: installation.scopes, required: [required] } });
}
