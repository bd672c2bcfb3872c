import { randomUUID } from "node:crypto";
import type { SimRequest, SimResponse, SimServer } from "../shared/sim-server.js";
import { entraError, errorPage } from "./errors.js";
import { authorizingUser, isForm } from "./legacy-oauth-routes.js";
import { AZURE_DEVOPS_RESOURCE, type AzureState } from "./state.js";
import { entraOpaqueToken, mintJwt } from "./token-format.js";
import { createGrant, issueTokens, rotateRefreshToken, type IssuedPair } from "./tokens.js";

const CODE_LIFETIME_SECONDS = 10 * 60;
const OIDC_SCOPES = new Set(["openid", "profile", "email", "offline_access"]);

/** Whether Entra would accept this scope for Azure DevOps: OIDC scopes, or scopes of the Azure DevOps resource. */
function knownScope(scope: string): boolean {
  return OIDC_SCOPES.has(scope) || scope.startsWith(`${AZURE_DEVOPS_RESOURCE}/`) || scope.startsWith("https://app.vssps.visualstudio.com/");
}

/** Issues an Entra authorization code for the user. */
export function issueEntraCode(state: AzureState, userId: string, scopes: string[], redirectUri: string): string {
  const code = entraOpaqueToken();
  state.codes.set(code, { flow: "entra", clientId: state.entraApp.clientId, userId, scopes, redirectUri, expiresAt: state.clock.nowSeconds() + CODE_LIFETIME_SECONDS, used: false });
  return code;
}

/** The v2 token response (§2.3): RFC 6749 names, numeric `expires_in`, the resolved resource scope. */
export function entraTokenBody(state: AzureState, pair: IssuedPair, userId: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    token_type: "Bearer",
    scope: [`${AZURE_DEVOPS_RESOURCE}/user_impersonation`, ...pair.scopes.filter((s) => OIDC_SCOPES.has(s) && s !== "offline_access")].join(" "),
    expires_in: pair.expiresIn,
    ext_expires_in: pair.expiresIn,
    access_token: pair.accessToken,
  };
  if (pair.refreshToken) body.refresh_token = pair.refreshToken;
  if (pair.scopes.includes("openid")) {
    const user = state.users.get(userId);
    const now = state.clock.nowSeconds();
    body.id_token = mintJwt({ aud: state.entraApp.clientId, iss: `https://login.microsoftonline.com/${state.tenantId}/v2.0`, iat: now, nbf: now, exp: now + 3600, name: user?.displayName, oid: userId, preferred_username: user?.email, sub: userId, tid: state.tenantId, ver: "2.0" });
  }
  return body;
}

/** Registers login.microsoftonline.com's v2 endpoints under `/{tenant}/oauth2/v2.0/` (§2.3). */
export function registerEntraOAuthRoutes(server: SimServer, state: AzureState): void {
  const now = () => server.clock.now();
  const tenantKnown = (tenant: string) => ["common", "organizations"].includes(tenant.toLowerCase()) || tenant.toLowerCase() === state.tenantId;

  server.route("GET", "/:tenant/oauth2/v2.0/authorize", (req) => {
    const q = req.url.searchParams;
    const app = state.entraApp;
    if (!tenantKnown(req.params.tenant ?? "")) return errorPage(400, "Sign in to your account", `AADSTS90002: Tenant '${req.params.tenant}' not found.`);
    if ((q.get("client_id") ?? "").toLowerCase() !== app.clientId) {
      return errorPage(400, "Sign in to your account", `AADSTS700016: Application with identifier '${q.get("client_id") ?? ""}' was not found in the directory '${state.tenantId}'.`);
    }
    if (q.get("redirect_uri") !== app.redirectUrl) {
      return errorPage(400, "Sign in to your account", `AADSTS50011: The redirect URI '${q.get("redirect_uri") ?? ""}' specified in the request does not match the redirect URIs configured for the application '${app.clientId}'.`);
    }
    const redirect = (params: Record<string, string>): SimResponse => {
      const target = new URL(app.redirectUrl);
      for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
      if (q.has("state")) target.searchParams.set("state", q.get("state") ?? "");
      return { status: 302, headers: { location: target.toString() } };
    };
    const fail = (error: string, code: number, text: string) => redirect({ error, error_description: `AADSTS${code}: ${text}`, error_codes: String(code) });
    if (!(q.get("response_type") ?? "").split(" ").includes("code")) return fail("unsupported_response_type", 700054, "response_type 'code' is required for this flow.");
    const scopes = (q.get("scope") ?? "").split(/\s+/).filter(Boolean);
    const bad = scopes.find((s) => !knownScope(s));
    if (!scopes.some((s) => s.startsWith(`${AZURE_DEVOPS_RESOURCE}/`)) || bad) {
      return fail("invalid_scope", 70011, `The provided value for the input parameter 'scope' is not valid. The scope ${bad ?? scopes.join(" ")} is not valid.`);
    }
    const hinted = q.get("login_hint") ? state.userByEmail(q.get("login_hint") ?? "") : undefined;
    const user = hinted ?? authorizingUser(state);
    if (!user) return errorPage(400, "Sign in to your account", "No user is signed in to the simulator; seed one first.");
    if (state.consent === "deny") return fail("access_denied", 65004, "User declined to consent to access the app.");
    return redirect({ code: issueEntraCode(state, user.id, scopes, app.redirectUrl), session_state: randomUUID() });
  });

  server.route("POST", "/:tenant/oauth2/v2.0/token", async (req) => {
    if (state.tokenEndpointDelayMs > 0) await new Promise((r) => setTimeout(r, state.tokenEndpointDelayMs));
    // Entra reads only form bodies; anything else reads as a body with no parameters.
    const form = isForm(req) ? req.form : new URLSearchParams();
    const grantType = form.get("grant_type") ?? "";
    const response = exchange(req, form, grantType);
    state.count(`entra:${grantType || "none"}`, response.status === 200 ? "issued" : "refused");
    return response;
  });

  function exchange(req: SimRequest, form: URLSearchParams, grantType: string): SimResponse {
    const missing = (name: string) => entraError(400, "invalid_request", 900144, `The request body must contain the following parameter: '${name}'.`, now());
    if (!tenantKnown(req.params.tenant ?? "")) return entraError(400, "invalid_request", 90002, `Tenant '${req.params.tenant}' not found.`, now());
    if (!grantType) return missing("grant_type");
    const clientId = form.get("client_id");
    if (!clientId) return missing("client_id");
    if (clientId.toLowerCase() !== state.entraApp.clientId) {
      return entraError(400, "unauthorized_client", 700016, `Application with identifier '${clientId}' was not found in the directory '${state.tenantId}'.`, now());
    }
    if (grantType !== "authorization_code" && grantType !== "refresh_token") {
      return entraError(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.", now());
    }
    const secret = form.get("client_secret");
    if (!secret && !form.get("client_assertion")) return entraError(401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", now());
    if (secret !== state.entraApp.clientSecret) {
      return entraError(401, "invalid_client", 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${state.entraApp.clientId}'.`, now());
    }
    const headers = { "cache-control": "no-store, no-cache", pragma: "no-cache" };
    if (grantType === "authorization_code") {
      const codeValue = form.get("code");
      if (!codeValue) return missing("code");
      const code = state.codes.get(codeValue);
      if (!code || code.flow !== "entra") return entraError(400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.", now());
      if (form.get("redirect_uri") !== code.redirectUri) {
        return entraError(400, "invalid_grant", 500112, `The reply address '${form.get("redirect_uri") ?? ""}' does not match the reply address '${code.redirectUri}' provided when requesting Authorization code.`, now());
      }
      if (code.used) return entraError(400, "invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.", now());
      if (code.expiresAt <= state.clock.nowSeconds()) {
        return entraError(400, "invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.", now());
      }
      code.used = true;
      const grant = createGrant(state, "entra", state.entraApp.clientId, code.userId, code.scopes);
      return { status: 200, headers, body: entraTokenBody(state, issueTokens(state, grant, code.scopes.includes("offline_access")), code.userId) };
    }
    const refreshToken = form.get("refresh_token");
    if (!refreshToken) return missing("refresh_token");
    const result = rotateRefreshToken(state, refreshToken, state.entraApp.clientId);
    if (!result.ok) {
      switch (result.reason) {
        case "unknown":
          return entraError(400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.", now());
        case "revoked":
          return entraError(400, "invalid_grant", 50173, "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.", now());
        case "expired":
          return entraError(400, "invalid_grant", 700082, `The refresh token has expired due to inactivity. The token was issued on ${new Date((result.issuedAt ?? 0) * 1000).toISOString()} and was inactive for ${state.refreshTokenLifetimeSeconds / 86400}.00:00:00.`, now());
        default:
          return entraError(400, "invalid_grant", 70000, "The provided value for the 'refresh_token' is not valid: it has already been redeemed.", now());
      }
    }
    return { status: 200, headers, body: entraTokenBody(state, result.pair, result.grant.userId) };
  }
}
