import type { SimRequest, SimResponse, SimServer } from "../shared/sim-server.js";
import { DEFAULT_AUTHORIZATION_SECONDS, verifierString, type RequestToken } from "./oauth-tokens.js";
import { OAuthProblem, formEncode, oauthProblemResponse } from "./oauth-problem.js";
import { oauthParam, readOAuthMessage, requireParameters, validateMessage } from "./oauth-validator.js";
import { realmOf } from "./rest-auth.js";
import type { JiraState } from "./state.js";

const FORM = "application/x-www-form-urlencoded;charset=UTF-8";

/** Runs an OAuth endpoint; an `OAuthProblem` becomes Jira's problem response (§3.1). */
function oauthEndpoint(handler: (req: SimRequest) => SimResponse): (req: SimRequest) => SimResponse {
  return (req) => {
    try {
      return handler(req);
    } catch (error) {
      if (error instanceof OAuthProblem) return oauthProblemResponse(error, realmOf(req));
      throw error;
    }
  };
}

function form(pairs: Array<[string, string]>): SimResponse {
  return { status: 200, headers: { "content-type": FORM }, body: formEncode(pairs) };
}

function html(status: number, title: string, content: string): SimResponse {
  const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return {
    status,
    headers: { "content-type": "text/html;charset=UTF-8" },
    body: `<!DOCTYPE html><html><head><title>${escape(title)} - Jira</title></head><body><h1>${escape(title)}</h1><p>${escape(content)}</p></body></html>`,
  };
}

function isAbsoluteHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

function withParams(url: string, pairs: Array<[string, string]>): string {
  const separator = url.includes("?") ? "&" : "?";
  return `${url}${separator}${formEncode(pairs)}`;
}

/** Step 1: a request token for a registered consumer; `oauth_callback` (a URL or `oob`) makes it OAuth 1.0a. */
function requestToken(state: JiraState) {
  return oauthEndpoint((req) => {
    const message = readOAuthMessage(req);
    requireParameters(message, "oauth_consumer_key");
    const consumer = state.consumers.get(oauthParam(message, "oauth_consumer_key"));
    if (!consumer) throw new OAuthProblem("consumer_key_unknown");
    validateMessage(message, consumer, { nowMs: state.clock.now(), windowSeconds: state.timestampWindowSeconds, nonces: state.nonces });
    const callback = oauthParam(message, "oauth_callback");
    if (callback !== undefined && callback !== "oob" && !isAbsoluteHttpUrl(callback)) {
      throw new OAuthProblem("parameter_rejected", [["oauth_parameters_rejected", "oauth_callback"]]);
    }
    const token = state.tokens.issueRequestToken(consumer.key, callback === "oob" ? undefined : callback, callback === undefined ? "1.0" : "1.0a", state.clock.now());
    const pairs: Array<[string, string]> = [["oauth_token", token.token], ["oauth_token_secret", token.secret]];
    if (token.version === "1.0a") pairs.push(["oauth_callback_confirmed", "true"]);
    return form(pairs);
  });
}

/**
 * Step 2, auto-approved: the configured authorizing user approves (or denies) at once. With a callback
 * (the token's `oauth_callback`, an OAuth 1.0 `oauth_callback` query parameter, or the Application
 * Link's consumer callback URL) the browser is redirected there with `oauth_token` and
 * `oauth_verifier` (`denied` on refusal); otherwise the page shows the verifier.
 */
function authorize(state: JiraState) {
  return oauthEndpoint((req) => {
    const tokenString = req.url.searchParams.get("oauth_token");
    if (!tokenString) throw new OAuthProblem("parameter_absent", [["oauth_parameters_absent", "oauth_token"]]);
    const token = state.tokens.get(tokenString);
    if (!token || token.kind !== "request") throw new OAuthProblem("token_rejected");
    if (token.expiresAtMs <= state.clock.now()) throw new OAuthProblem("token_expired");
    const user = state.userByName(state.authorizingUser);
    if (!user || !user.active) {
      // Nobody is logged in: Jira sends the browser to its login page first.
      const destination = `${req.url.pathname}${req.url.search}`;
      return { status: 302, headers: { location: `${realmOf(req)}/login.jsp?permissionViolation=true&os_destination=${encodeURIComponent(destination)}` } };
    }
    decide(state, token, user.name);
    const consumer = state.consumers.get(token.consumerKey);
    const queryCallback = req.url.searchParams.get("oauth_callback");
    const callback = token.callback ?? (token.version === "1.0" && queryCallback && isAbsoluteHttpUrl(queryCallback) ? queryCallback : undefined) ?? consumer?.callbackUrl;
    const verifier = token.verifier as string;
    if (callback) return { status: 302, headers: { location: withParams(callback, [["oauth_token", token.token], ["oauth_verifier", verifier]]) } };
    if (token.authorization === "denied") return html(200, "Access Denied", `You have denied ${consumer?.name ?? token.consumerKey} access to your data.`);
    return html(200, "Access Approved", `You have successfully authorized '${consumer?.name ?? token.consumerKey}'. Your verification code is '${verifier}'. You will need to enter this exact text when prompted.`);
  });
}

/** Records the authorizing user's decision on a request token (once: later visits show the same result). */
function decide(state: JiraState, token: RequestToken, username: string): void {
  if (token.authorization !== "none") return;
  token.username = username;
  if (state.consent === "deny") {
    token.authorization = "denied";
    token.verifier = "denied";
  } else {
    token.authorization = "approved";
    token.verifier = verifierString();
  }
}

/** Step 3: swaps an approved request token and its verifier for an access token; the request token is then gone. */
function accessToken(state: JiraState) {
  return oauthEndpoint((req) => {
    const message = readOAuthMessage(req);
    requireParameters(message, "oauth_token");
    const token = state.tokens.get(oauthParam(message, "oauth_token"));
    // No session renewal here: an access token presented again is refused like an unknown one.
    if (!token || token.kind !== "request" || token.consumerKey !== oauthParam(message, "oauth_consumer_key")) throw new OAuthProblem("token_rejected");
    if (token.expiresAtMs <= state.clock.now()) throw new OAuthProblem("token_expired");
    const consumer = state.consumers.get(token.consumerKey);
    if (!consumer) throw new OAuthProblem("consumer_key_unknown");
    validateMessage(message, consumer, { nowMs: state.clock.now(), windowSeconds: state.timestampWindowSeconds, nonces: state.nonces });
    if (token.authorization === "none") throw new OAuthProblem("permission_unknown");
    if (token.authorization === "denied") throw new OAuthProblem("permission_denied");
    requireParameters(message, "oauth_verifier");
    if (oauthParam(message, "oauth_verifier") !== token.verifier) throw new OAuthProblem("token_rejected");
    state.tokens.remove(token.token);
    const access = state.tokens.issueAccessToken(consumer.key, token.username as string, state.clock.now());
    return form([
      ["oauth_token", access.token],
      ["oauth_token_secret", access.secret],
      ["oauth_expires_in", String(state.tokens.accessTokenSeconds)],
      ["oauth_session_handle", access.sessionHandle],
      ["oauth_authorization_expires_in", String(Math.max(DEFAULT_AUTHORIZATION_SECONDS, state.tokens.accessTokenSeconds))],
    ]);
  });
}

function methodNotAllowed(): SimResponse {
  return { status: 405, headers: { "content-type": "text/html;charset=UTF-8", allow: "POST" }, body: "<html><body><h1>HTTP Status 405 - HTTP method GET is not supported by this URL</h1></body></html>" };
}

/** The three OAuth 1.0a endpoints of §3.1 under `/plugins/servlet/oauth/`. */
export function registerOAuthRoutes(server: SimServer, state: JiraState): void {
  server.route("POST", "/plugins/servlet/oauth/request-token", requestToken(state));
  server.route("GET", "/plugins/servlet/oauth/request-token", methodNotAllowed);
  server.route("GET", "/plugins/servlet/oauth/authorize", authorize(state));
  server.route("POST", "/plugins/servlet/oauth/access-token", accessToken(state));
  server.route("GET", "/plugins/servlet/oauth/access-token", methodNotAllowed);
}
