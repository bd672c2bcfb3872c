import { decodeJwt, jwtVerify } from "jose";
import { AppError } from "../../domain/errors.js";
import { queryStringHash } from "./query-string-hash.js";

/** The clientKey a redirect JWT claims (`iss`), read before its signature can be checked with that installation's secret. */
export function redirectJwtIssuer(token: string): string {
  try {
    const iss = decodeJwt(token).iss;
    if (typeof iss === "string" && iss.length > 0 && iss.length <= 255) return iss;
  } catch {
    // refused below
  }
  throw new AppError("validation", "bitbucket_jwt_invalid", "The Bitbucket redirect carries no valid JWT; install the app again from the start.");
}

/**
 * Verifies the JWT Bitbucket appends when it returns the browser after installing (§8.3, Sentry's
 * `get_integration_from_jwt` with method GET): HS256 only, signed with the installation's shared secret,
 * not expired, and its `qsh` bound to this exact path and query (the `jwt` parameter excluded).
 */
export async function verifyRedirectJwt(token: string, sharedSecret: string, path: string, query: URLSearchParams): Promise<void> {
  let claims: Record<string, unknown>;
  try {
    claims = (await jwtVerify(token, new TextEncoder().encode(sharedSecret), { algorithms: ["HS256"] })).payload;
  } catch {
    throw new AppError("validation", "bitbucket_jwt_invalid", "The Bitbucket redirect's JWT is invalid or expired; install the app again from the start.");
  }
  if (claims.qsh !== queryStringHash("GET", path, query)) {
    throw new AppError("validation", "bitbucket_jwt_qsh_mismatch", "The Bitbucket redirect's JWT was made for another request; install the app again from the start.");
  }
}
