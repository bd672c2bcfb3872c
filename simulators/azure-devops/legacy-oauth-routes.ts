import type { SimRequest, SimResponse, SimServer } from "../shared/sim-server.js";
import { errorPage, legacyOAuthError } from "./errors.js";
import type { AzureState, LegacyApp } from "./state.js";
import { decodeJwt, mintJwt } from "./token-format.js";
import { createGrant, issueTokens, rotateRefreshToken, type IssuedPair } from "./tokens.js";

export const JWT_BEARER_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
export const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const CODE_LIFETIME_SECONDS = 10 * 60;

/** Who consents on the auto-approving authorize pages: the configured user, else the first one known. */
export function authorizingUser(state: AzureState) {
  return (state.authorizingUserId && state.users.get(state.authorizingUserId)) || state.users.values().next().value;
}

/** Issues a legacy authorization code (a JWT, as app.vssps.visualstudio.com's codes are). */
export function issueLegacyCode(state: AzureState, app: LegacyApp, userId: string, scopes: string[], redirectUri: string): string {
  const now = state.clock.nowSeconds();
  const code = mintJwt({ nameid: userId, scp: scopes.join(" "), appid: app.appId, iss: "app.vstoken.visualstudio.com", aud: "app.vstoken.visualstudio.com", nbf: now, exp: now + CODE_LIFETIME_SECONDS });
  state.codes.set(code, { flow: "legacy", clientId: app.appId, userId, scopes, redirectUri, expiresAt: now + CODE_LIFETIME_SECONDS, used: false });
  return code;
}

/** The token response of §2.1: `expires_in` is a string, `token_type` is `jwt-bearer`. */
export function legacyTokenBody(pair: IssuedPair): Record<string, string> {
  const body: Record<string, string> = { access_token: pair.accessToken, token_type: "jwt-bearer", expires_in: String(pair.expiresIn) };
  if (pair.refreshToken) body.refresh_token = pair.refreshToken;
  body.scope = pair.scopes.join(" ");
  return body;
}

function withQuery(url: string, params: Record<string, string>): string {
  const target = new URL(url);
  for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
  return target.toString();
}

/** Registers app.vssps.visualstudio.com's legacy OAuth endpoints (§2.1). */
export function registerLegacyOAuthRoutes(server: SimServer, state: AzureState): void {
  const apps = () => Object.values(state.legacyApps);

  server.route("GET", "/oauth2/authorize", (req) => {
    const q = req.url.searchParams;
    const app = apps().find((a) => a.appId.toLowerCase() === (q.get("client_id") ?? "").toLowerCase());
    if (!app) return errorPage(400, "Azure DevOps Services | Bad Request", "The client_id is not a registered application.");
    // The docs: a redirect_uri that is not exactly the registered callback gets a 400 page, not a redirect.
    if (q.get("redirect_uri") !== app.redirectUrl) return errorPage(400, "Azure DevOps Services | Bad Request", "The redirect_uri does not match the callback URL registered for the application.");
    if (q.get("response_type") !== "Assertion") return errorPage(400, "Azure DevOps Services | Bad Request", "response_type must be Assertion.");
    const redirect = (params: Record<string, string>): SimResponse => ({ status: 302, headers: { location: withQuery(app.redirectUrl, { ...params, ...(q.has("state") ? { state: q.get("state") ?? "" } : {}) }) } });
    const scopes = (q.get("scope") ?? "").split(/[\s+]+/).filter(Boolean);
    if (!scopes.length || scopes.some((s) => !app.scopes.includes(s))) return redirect({ error: "invalid_scope" });
    const user = authorizingUser(state);
    if (!user) return errorPage(400, "Azure DevOps Services | Sign In", "No user is signed in to the simulator; seed one first.");
    if (state.consent === "deny") return redirect({ error: "access_denied" });
    return redirect({ code: issueLegacyCode(state, app, user.id, scopes, app.redirectUrl) });
  });

  server.route("POST", "/oauth2/token", async (req) => {
    if (state.tokenEndpointDelayMs > 0) await new Promise((r) => setTimeout(r, state.tokenEndpointDelayMs));
    const form = isForm(req) ? req.form : new URLSearchParams();
    const grantType = form.get("grant_type") ?? "";
    const key = `legacy:${grantType === JWT_BEARER_GRANT ? "jwt-bearer" : grantType || "none"}`;
    const response = exchange(req, form, grantType);
    state.count(key, response.status === 200 ? "issued" : "refused");
    return response;
  });

  function exchange(req: SimRequest, form: URLSearchParams, grantType: string): SimResponse {
    // The FAQ: a body that is not form-encoded is answered with HTTP 400.
    if (!isForm(req)) return legacyOAuthError("invalid_request", "The request content type must be application/x-www-form-urlencoded.");
    if (form.get("client_assertion_type") !== JWT_BEARER_ASSERTION_TYPE) return legacyOAuthError("invalid_request", "Invalid client_assertion_type.");
    const assertion = form.get("client_assertion") ?? "";
    // Observed: an App Secret (not a JWT) in place of the Client Secret.
    if (!decodeJwt(assertion)) return legacyOAuthError("invalid_client", "Failed to deserialize the JsonWebToken object.");
    const app = apps().find((a) => a.clientSecret === assertion);
    if (!app) return legacyOAuthError("invalid_client", "Invalid client auth token.");
    if (grantType !== JWT_BEARER_GRANT && grantType !== "refresh_token") return legacyOAuthError("unsupported_grant_type", `The grant type '${grantType}' is not supported.`);
    if (form.get("redirect_uri") !== app.redirectUrl) return legacyOAuthError("invalid_request", "The redirect_uri does not match the callback URL registered for the application.");
    const token = form.get("assertion") ?? "";
    if (grantType === JWT_BEARER_GRANT) {
      const code = state.codes.get(token);
      if (!code || code.flow !== "legacy") return legacyOAuthError("invalid_request", "The access token is not valid");
      if (code.clientId !== app.appId) return legacyOAuthError("invalid_grant", "The authorization code was issued to another application.");
      if (code.used) return legacyOAuthError("invalid_grant", "The authorization code has already been redeemed.");
      if (code.expiresAt <= state.clock.nowSeconds()) return legacyOAuthError("invalid_grant", "The authorization code has expired.");
      code.used = true;
      const grant = createGrant(state, "legacy", app.appId, code.userId, code.scopes);
      return { status: 200, headers: { "cache-control": "no-store", pragma: "no-cache" }, body: legacyTokenBody(issueTokens(state, grant)) };
    }
    const result = rotateRefreshToken(state, token, app.appId);
    if (!result.ok) {
      if (result.reason === "unknown") return legacyOAuthError("invalid_request", "The access token is not valid");
      const why = { used: "has already been used", revoked: "has been revoked", expired: "has expired", "other-client": "was issued to another application" }[result.reason];
      return legacyOAuthError("invalid_grant", `The refresh token ${why}.`);
    }
    return { status: 200, headers: { "cache-control": "no-store", pragma: "no-cache" }, body: legacyTokenBody(result.pair) };
  }
}

/** Whether the request body is form-encoded, the only content type the token endpoints read. */
export function isForm(req: SimRequest): boolean {
  return (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() === "application/x-www-form-urlencoded";
}
