import type { SimRequest, SimResponse } from "../shared/sim-server.js";
import { OAuthProblem, oauthProblemResponse } from "./oauth-problem.js";
import { oauthParam, readOAuthMessage, validateMessage, type OAuthMessage } from "./oauth-validator.js";
import type { JiraState, JiraUser } from "./state.js";

/** Who is calling: the user an access token stands for, or nobody (no `Authorization: OAuth`). */
export type Caller = { user: JiraUser; token: string } | { user: undefined };

/** The realm Jira names in its challenges: the base URL the request was addressed to. */
export function realmOf(req: SimRequest): string {
  return `http://${req.headers.host ?? "localhost"}`;
}

/**
 * Authenticates a REST call signed with an access token, in the order of Atlassian's OAuth filter:
 * the token (unknown, not an access token, another consumer's: `token_rejected`; expired:
 * `token_expired`), then the message (version, timestamp, nonce, RSA-SHA1 signature). Without a
 * token (2-legged OAuth, off for Application Links here) the consumer and signature are checked and
 * the call is refused with `permission_denied`. Answers Jira's OAuth problem response on failure.
 */
export function authenticateRest(req: SimRequest, state: JiraState): Caller | SimResponse {
  const message = readOAuthMessage(req);
  if (!message.hasOAuthHeader) return { user: undefined };
  try {
    return { user: verifyAccess(message, state), token: oauthParam(message, "oauth_token") as string };
  } catch (error) {
    if (error instanceof OAuthProblem) return oauthProblemResponse(error, realmOf(req));
    throw error;
  }
}

function verifyAccess(message: OAuthMessage, state: JiraState): JiraUser {
  const context = { nowMs: state.clock.now(), windowSeconds: state.timestampWindowSeconds, nonces: state.nonces };
  const consumerKey = oauthParam(message, "oauth_consumer_key");
  const tokenString = oauthParam(message, "oauth_token");
  if (tokenString === undefined) {
    const consumer = state.consumers.get(consumerKey);
    if (!consumer) throw new OAuthProblem("consumer_key_unknown");
    validateMessage(message, consumer, context);
    throw new OAuthProblem("permission_denied");
  }
  const token = state.tokens.get(tokenString);
  if (!token || token.kind !== "access" || token.consumerKey !== consumerKey) throw new OAuthProblem("token_rejected");
  if (token.expiresAtMs <= context.nowMs) throw new OAuthProblem("token_expired");
  const consumer = state.consumers.get(token.consumerKey);
  if (!consumer) throw new OAuthProblem("consumer_key_unknown");
  validateMessage(message, consumer, context);
  const user = state.userByName(token.username);
  if (!user || !user.active) throw new OAuthProblem("permission_denied");
  return user;
}
