import { RefreshRefused, type TokenEndpoint, type TokenGrant } from "../../auth/refresh/refresh-credential.js";
import type { AzureDevopsSettings } from "../../config.js";
import { AppError } from "../../domain/errors.js";
import { sendHttp, type SendOptions } from "../../platform/http/send-http.js";

/** Which token endpoint an integration's identity belongs to (§1.3): the legacy app or Entra ID. */
export type AzureAuthFlow = "legacy" | "entra";

/** Sentry's `VstsIntegrationProvider.CURRENT_MIGRATION_VERSION`: from this version on, Entra ID refreshes (§1.3). */
export const CURRENT_MIGRATION_VERSION = 1;
export const JWT_BEARER_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
export const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/** The Azure DevOps resource in Entra ID, with `offline_access` so a refresh token is issued (contracts §2.3). */
export const ENTRA_SCOPES = "499b84ac-1321-427f-aa17-267ca6975798/.default offline_access";
/**
 * Lifetime assumed when a token response has no `expires_in`. Sentry keeps the old (past) expiry and so
 * refreshes on every request (§1.4); an hour is Azure's usual access-token lifetime.
 */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;

/** What a token endpoint granted, with the scopes it reported (legacy answers carry `scope`). */
export interface AzureGrant extends TokenGrant {
  scopes: string[];
}

/** The flow an integration uses, from its metadata's `integration_migration_version` (§1.3). */
export function authFlowFor(metadata: Record<string, unknown>): AzureAuthFlow {
  const version = Number(metadata.integration_migration_version ?? 0);
  return Number.isFinite(version) && version >= CURRENT_MIGRATION_VERSION ? "entra" : "legacy";
}

/** The legacy client secret for an identity: the limited app's when its scopes lack `vso.code` (§1.5). */
export function legacyClientSecret(settings: AzureDevopsSettings, scopes: readonly string[]): string {
  const limited = !scopes.includes("vso.code");
  const secret = limited ? settings.limitedClientSecret : settings.clientSecret;
  if (!secret) {
    const name = limited ? "AZURE_DEVOPS_LIMITED_CLIENT_SECRET" : "AZURE_DEVOPS_CLIENT_SECRET";
    throw new AppError("validation", "azure_devops_not_configured", `Set ${name} to refresh Azure DevOps credentials`);
  }
  return secret;
}

function requireSetting(value: string | undefined, name: string): string {
  if (!value) throw new AppError("validation", "azure_devops_not_configured", `Set ${name} to call Azure DevOps`);
  return value;
}

/** The form a refresh sends (§1.5 legacy, §1.6 Entra); the redirect URL is required by both, as in Sentry. */
export function refreshForm(settings: AzureDevopsSettings, flow: AzureAuthFlow, refreshToken: string, scopes: readonly string[]): URLSearchParams {
  const redirectUri = requireSetting(settings.redirectUrl, "AZURE_DEVOPS_REDIRECT_URL");
  if (flow === "entra") {
    return new URLSearchParams({
      grant_type: "refresh_token",
      client_id: requireSetting(settings.entraClientId, "AZURE_DEVOPS_ENTRA_CLIENT_ID"),
      client_secret: requireSetting(settings.entraClientSecret, "AZURE_DEVOPS_ENTRA_CLIENT_SECRET"),
      refresh_token: refreshToken,
    });
  }
  return new URLSearchParams({
    client_assertion_type: JWT_BEARER_ASSERTION_TYPE,
    client_assertion: legacyClientSecret(settings, scopes),
    grant_type: "refresh_token",
    assertion: refreshToken,
    redirect_uri: redirectUri,
  });
}

/** The token endpoint URL of a flow. */
export function tokenUrl(settings: AzureDevopsSettings, flow: AzureAuthFlow): string {
  return flow === "entra" ? `${settings.loginUrl}/common/oauth2/v2.0/token` : `${settings.vsspsUrl}/oauth2/token`;
}

/** Sentry's refresh error text (§1.4): `HTTP <status> (<error>): <description>`, PascalCase keys accepted. */
export function tokenErrorMessage(status: number, payload: Record<string, unknown>): string {
  const name = String(payload.error ?? payload.Error ?? "unknown_error");
  const description = String(payload.error_description ?? payload.ErrorDescription ?? "no description available");
  return `HTTP ${status} (${name}): ${description}`;
}

function parseBody(text: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === "object") return parsed as Record<string, unknown>;
  } catch {
    // The legacy code exchange may answer form-encoded (§1.5).
    const form = new URLSearchParams(text);
    if (form.has("access_token")) return Object.fromEntries(form);
  }
  return {};
}

/** Seconds from `expires_in`, a string on the legacy endpoint and a number on Entra (contracts §2.1). */
export function parseExpiresIn(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value) && value > 0) return Math.floor(value);
  if (typeof value === "string" && /^\d+$/.test(value.trim())) return Number(value.trim()) || undefined;
  return undefined;
}

/**
 * Posts a form to a token endpoint. A refused grant (`invalid_grant`, a 401, or the legacy endpoint's
 * "The access token is not valid" for a refresh token it no longer knows) is RefreshRefused, so the
 * refresh engine recovers a lost race or marks the credential needs_reauth (D3); anything else is
 * `azure_api_error`. Token endpoint calls are never retried: a retried refresh would burn the token.
 */
export async function postTokenForm(url: string, form: URLSearchParams, sendOptions: SendOptions): Promise<AzureGrant> {
  const body = form.toString();
  const response = await sendHttp(
    // Content-Length is computed by the HTTP client (D15), never Sentry's hard-coded 1654.
    { method: "POST", url, headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" }, body, idempotent: false },
    sendOptions,
  );
  const payload = parseBody(response.text);
  if (response.status !== 200) {
    const message = tokenErrorMessage(response.status, payload);
    const name = payload.error ?? payload.Error;
    const description = String(payload.error_description ?? payload.ErrorDescription ?? "");
    const unknownToken = name === "invalid_request" && description === "The access token is not valid" && form.get("grant_type") === "refresh_token";
    if (response.status === 401 || name === "invalid_grant" || unknownToken) throw new RefreshRefused(message);
    throw new AppError("upstream", "azure_api_error", message);
  }
  if (typeof payload.access_token !== "string" || !payload.access_token) {
    throw new AppError("upstream", "azure_api_error", `HTTP ${response.status} (invalid_response): the token endpoint answered without an access token`);
  }
  return {
    accessToken: payload.access_token,
    refreshToken: typeof payload.refresh_token === "string" && payload.refresh_token ? payload.refresh_token : undefined,
    expiresInSeconds: parseExpiresIn(payload.expires_in),
    scopes: typeof payload.scope === "string" ? payload.scope.split(/\s+/).filter(Boolean) : [],
  };
}

/** The refresh call for one identity, in the shape the refresh engine takes (its scopes pick the legacy secret). */
export function azureTokenEndpoint(settings: AzureDevopsSettings, sendOptions: SendOptions, flow: AzureAuthFlow, scopes: readonly string[]): TokenEndpoint {
  return async (refreshToken) => postTokenForm(tokenUrl(settings, flow), refreshForm(settings, flow, refreshToken, scopes), sendOptions);
}

/**
 * Exchanges an authorization code from the install flow for tokens: the legacy jwt-bearer grant with the
 * full app's secret (§1.5) or Entra's authorization_code grant (§1.6); both send the registered redirect URL.
 */
export async function exchangeCode(settings: AzureDevopsSettings, sendOptions: SendOptions, code: string, flow: AzureAuthFlow = "legacy"): Promise<AzureGrant> {
  const redirectUri = requireSetting(settings.redirectUrl, "AZURE_DEVOPS_REDIRECT_URL");
  const form =
    flow === "entra"
      ? new URLSearchParams({
          grant_type: "authorization_code",
          client_id: requireSetting(settings.entraClientId, "AZURE_DEVOPS_ENTRA_CLIENT_ID"),
          client_secret: requireSetting(settings.entraClientSecret, "AZURE_DEVOPS_ENTRA_CLIENT_SECRET"),
          code,
          redirect_uri: redirectUri,
          scope: ENTRA_SCOPES,
        })
      : new URLSearchParams({
          client_assertion_type: JWT_BEARER_ASSERTION_TYPE,
          client_assertion: requireSetting(settings.clientSecret, "AZURE_DEVOPS_CLIENT_SECRET"),
          grant_type: JWT_BEARER_GRANT,
          assertion: code,
          redirect_uri: redirectUri,
        });
  try {
    return await postTokenForm(tokenUrl(settings, flow), form, sendOptions);
  } catch (error) {
    // A refused code is Sentry's IdentityNotValid: the user has to authorize again.
    if (error instanceof RefreshRefused) throw new AppError("unauthorized", "identity_not_valid", error.reason);
    throw error;
  }
}
