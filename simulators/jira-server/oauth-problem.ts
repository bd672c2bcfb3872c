import type { SimResponse } from "../shared/sim-server.js";
import { percentEncode } from "./oauth-base-string.js";

/** Problems of the OAuth Problem Reporting extension that Jira's OAuth provider raises (§3.1). */
export type OAuthProblemName =
  | "version_rejected"
  | "parameter_absent"
  | "parameter_rejected"
  | "timestamp_refused"
  | "signature_method_rejected"
  | "nonce_used"
  | "token_rejected"
  | "token_expired"
  | "signature_invalid"
  | "consumer_key_unknown"
  | "permission_unknown"
  | "permission_denied";

/**
 * HTTP status per problem, as net.oauth's `OAuth.Problems.TO_HTTP_CODE` maps them (Jira's provider
 * answers through `OAuthServlet.handleException`): malformed requests are 400, the rest 401.
 */
const STATUS: Record<OAuthProblemName, number> = {
  version_rejected: 400,
  parameter_absent: 400,
  parameter_rejected: 400,
  timestamp_refused: 400,
  signature_method_rejected: 400,
  nonce_used: 401,
  token_rejected: 401,
  token_expired: 401,
  signature_invalid: 401,
  consumer_key_unknown: 401,
  permission_unknown: 401,
  permission_denied: 401,
};

/** An OAuth failure with the extra parameters Jira reports with it (e.g. the base string it computed). */
export class OAuthProblem extends Error {
  constructor(
    readonly problem: OAuthProblemName,
    readonly extra: Array<[string, string]> = [],
  ) {
    super(problem);
  }
}

/** Form-encodes pairs the way net.oauth's `OAuth.formEncode` does (RFC 3986 encoding, `&`-joined). */
export function formEncode(pairs: Array<[string, string]>): string {
  return pairs.map(([n, v]) => `${percentEncode(n)}=${percentEncode(v)}`).join("&");
}

/**
 * Jira's answer to an OAuth problem (§3.1): the status above, `WWW-Authenticate: OAuth realm="…",
 * oauth_problem="…", …` (realm and values percent-encoded, as net.oauth writes the header) and the same
 * parameters as a form-encoded body.
 */
export function oauthProblemResponse(problem: OAuthProblem, realm: string): SimResponse {
  const pairs: Array<[string, string]> = [["oauth_problem", problem.problem], ...problem.extra];
  const challenge = [`OAuth realm="${percentEncode(realm)}"`, ...pairs.map(([n, v]) => `${percentEncode(n)}="${percentEncode(v)}"`)].join(", ");
  return {
    status: STATUS[problem.problem],
    headers: { "www-authenticate": challenge, "content-type": "application/x-www-form-urlencoded;charset=UTF-8" },
    body: formEncode(pairs),
  };
}
