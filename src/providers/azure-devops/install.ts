import { randomBytes } from "node:crypto";
import type { AzureDevopsSettings } from "../../config.js";
import { AppError } from "../../domain/errors.js";
import { ENTRA_SCOPES, type AzureAuthFlow } from "./auth.js";
import type { AzureDevopsClient } from "./client.js";
import { getProfile, listAccounts, type AzureAccount, type AzureProfile } from "./profile.js";
import { createSubscription, deleteSubscription, getSubscription, type AzureSubscription } from "./subscriptions.js";

/** The scopes the legacy app asks for (§1.5; the ones Sentry's test expects on the identity). */
export const LEGACY_INSTALL_SCOPES = ["vso.code", "vso.graph", "vso.serviceendpoint_manage", "vso.work_write"];

/**
 * Where the browser authorizes the app: the legacy `oauth2/authorize` with `response_type=Assertion`
 * (contracts §2.1), or Entra's v2 authorize with `response_mode=query` and `prompt=consent` (§1.6).
 */
export function azureAuthorizeUrl(settings: AzureDevopsSettings, flow: AzureAuthFlow, state: string): string {
  const redirectUri = settings.redirectUrl;
  if (!redirectUri) throw new AppError("validation", "azure_devops_not_configured", "Set AZURE_DEVOPS_REDIRECT_URL to install Azure DevOps");
  if (flow === "entra") {
    if (!settings.entraClientId) throw new AppError("validation", "azure_devops_not_configured", "Set AZURE_DEVOPS_ENTRA_CLIENT_ID to install Azure DevOps");
    const url = new URL(`${settings.loginUrl}/common/oauth2/v2.0/authorize`);
    url.search = new URLSearchParams({ client_id: settings.entraClientId, response_type: "code", redirect_uri: redirectUri, response_mode: "query", scope: ENTRA_SCOPES, state, prompt: "consent" }).toString();
    return url.toString();
  }
  if (!settings.appId) throw new AppError("validation", "azure_devops_not_configured", "Set AZURE_DEVOPS_APP_ID to install Azure DevOps");
  const url = new URL(`${settings.vsspsUrl}/oauth2/authorize`);
  url.search = new URLSearchParams({ client_id: settings.appId, response_type: "Assertion", state, scope: LEGACY_INSTALL_SCOPES.join(" "), redirect_uri: redirectUri }).toString();
  return url.toString();
}

/** The authorizing user and the Azure DevOps organizations ("accounts") they may install into. */
export async function azureProfileAndAccounts(client: AzureDevopsClient, vsspsUrl: string): Promise<{ profile: AzureProfile; accounts: AzureAccount[] }> {
  const profile = await getProfile(client, vsspsUrl);
  const accounts = await listAccounts(client, vsspsUrl, profile.id);
  return { profile, accounts };
}

/** The collection id of an organization (`connectionData.instanceId`): what service-hook deliveries name it by. */
export async function azureCollectionId(client: AzureDevopsClient): Promise<string> {
  const { data } = await client.request<{ instanceId?: string }>("GET", "_apis/connectionData");
  if (typeof data?.instanceId !== "string" || !data.instanceId) throw new AppError("upstream", "azure_api_error", "Azure DevOps answered connectionData without an instanceId");
  return data.instanceId;
}

/** A fresh shared secret for a subscription (Sentry's `generate_token()`: random hex). */
export function newSubscriptionSecret(): string {
  return randomBytes(32).toString("hex");
}

/** Creates the `workitem.updated` subscription to our webhook with a new secret; the caller seals and keeps the secret. */
export async function subscribeWorkItemUpdates(client: AzureDevopsClient, publicUrl: string): Promise<{ subscription: AzureSubscription; secret: string }> {
  const secret = newSubscriptionSecret();
  const subscription = await createSubscription(client, `${publicUrl.replace(/\/+$/, "")}/extensions/vsts/issue-updated/`, secret);
  return { subscription, secret };
}

/** Whether a subscription still exists and delivers: missing (404) and system-disabled count as gone. */
export async function subscriptionState(client: AzureDevopsClient, id: string): Promise<"enabled" | "disabled" | "missing" | string> {
  try {
    const subscription = await getSubscription(client, id);
    return subscription.status ?? "enabled";
  } catch (error) {
    if (error instanceof AppError && error.code === "azure_api_error" && error.detail?.status === 404) return "missing";
    throw error;
  }
}

/** Deletes the subscription at Azure; one already gone is fine. */
export async function unsubscribe(client: AzureDevopsClient, id: string): Promise<void> {
  try {
    await deleteSubscription(client, id);
  } catch (error) {
    if (error instanceof AppError && error.detail?.status === 404) return;
    throw error;
  }
}
