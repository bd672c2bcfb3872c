import type { App } from "../../app.js";
import type { RefreshDeps } from "../../auth/refresh/refresh-credential.js";
import { oauth2BearerScheme } from "../../auth/schemes/oauth2-bearer.js";
import { AppError } from "../../domain/errors.js";
import type { SendOptions } from "../../platform/http/send-http.js";
import { authFlowFor, azureTokenEndpoint, DEFAULT_TOKEN_LIFETIME_SECONDS, type AzureAuthFlow } from "./auth.js";
import { AzureDevopsClient } from "./client.js";

/** The identities row provider of Azure DevOps credentials (Sentry's provider key). */
export const AZURE_IDENTITY_PROVIDER = "vsts";

/**
 * What calling Azure for an integration needs. The credential is the identities row (provider `vsts`)
 * that an organization installation names as `default_auth_id` (Sentry's org-integration identity); the
 * instance URL is the integration metadata's `domain_name` (`https://dev.azure.com/{org}/`); the flow
 * follows `integration_migration_version` (§1.3).
 */
export interface AzureIntegration {
  integrationId: number;
  instanceUrl: string;
  flow: AzureAuthFlow;
  identity: { externalId: string; scopes: string[] };
  metadata: Record<string, unknown>;
}

const inFlightByApp = new WeakMap<App, RefreshDeps["inFlight"]>();

function parseJsonObject(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function parseScopes(text: string): string[] {
  try {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) ? value.filter((s): s is string => typeof s === "string") : [];
  } catch {
    return [];
  }
}

/** Loads an Azure DevOps integration's instance URL, flow and credential reference. */
export async function loadAzureIntegration(app: App, integrationId: number): Promise<AzureIntegration> {
  const db = app.store.db;
  const integration = await db.selectFrom("integrations").select(["id", "metadata"]).where("id", "=", integrationId).where("provider", "=", "vsts").executeTakeFirst();
  if (!integration) throw new AppError("not_found", "integration_not_found", `Azure DevOps integration ${integrationId} does not exist`);
  const metadata = parseJsonObject(integration.metadata);
  const instanceUrl = typeof metadata.domain_name === "string" ? metadata.domain_name : "";
  if (!/^https?:\/\//.test(instanceUrl)) {
    throw new AppError("validation", "azure_instance_missing", "The Azure DevOps integration has no organization URL (metadata domain_name); reinstall it");
  }
  // The oldest installation's identity is the integration's, as Sentry's first org-integration would be.
  const identity = await db
    .selectFrom("organization_integrations")
    .innerJoin("identities", "identities.id", "organization_integrations.default_auth_id")
    .select(["identities.external_id", "identities.scopes"])
    .where("organization_integrations.integration_id", "=", integrationId)
    .where("organization_integrations.status", "=", "active")
    .where("identities.provider", "=", AZURE_IDENTITY_PROVIDER)
    .orderBy("organization_integrations.id")
    .executeTakeFirst();
  if (!identity) throw new AppError("unauthorized", "identity_not_found", "The Azure DevOps integration has no authorized identity; reconnect it");
  return { integrationId, instanceUrl, flow: authFlowFor(metadata), identity: { externalId: identity.external_id, scopes: parseScopes(identity.scopes) }, metadata };
}

/** The outbound options every Azure call is sent with. */
export function azureSendOptions(app: App): SendOptions {
  return { allowedPrivateTargets: app.config.allowPrivateTargets };
}

/** The refresh engine's dependencies for this app: one in-flight map per app, a default lifetime for answers without `expires_in`. */
export function azureRefreshDeps(app: App): RefreshDeps {
  let inFlight = inFlightByApp.get(app);
  if (!inFlight) {
    inFlight = new Map();
    inFlightByApp.set(app, inFlight);
  }
  return {
    db: app.store.db,
    vault: app.vault,
    lock: app.platform.lock,
    clock: app.clock,
    marginSeconds: app.config.refreshMarginSeconds,
    defaultLifetimeSeconds: DEFAULT_TOKEN_LIFETIME_SECONDS,
    inFlight,
  };
}

/** A client for an identity at an instance, refreshing through the identity's flow. */
export function azureClientFor(app: App, target: Pick<AzureIntegration, "instanceUrl" | "flow" | "identity">): AzureDevopsClient {
  const sendOptions = azureSendOptions(app);
  const scheme = oauth2BearerScheme(azureRefreshDeps(app), {
    provider: AZURE_IDENTITY_PROVIDER,
    externalId: target.identity.externalId,
    tokenEndpoint: azureTokenEndpoint(app.config.azureDevops, sendOptions, target.flow, target.identity.scopes),
  });
  return new AzureDevopsClient(scheme, sendOptions, target.instanceUrl);
}
