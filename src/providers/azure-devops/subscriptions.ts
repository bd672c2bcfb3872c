import type { AzureDevopsClient } from "./client.js";

/** A service-hook subscription as Azure returns it (contracts §2.4). */
export interface AzureSubscription {
  id: string;
  status?: string;
  eventType: string;
  consumerInputs?: Record<string, string>;
}

/**
 * Subscribes `workitem.updated` deliveries to our webhook URL with the shared secret as a header (§1.8);
 * `resourceVersion` is pinned to 1.0, whose identity strings the webhook parser reads.
 */
export async function createSubscription(client: AzureDevopsClient, webhookUrl: string, sharedSecret: string): Promise<AzureSubscription> {
  const body = {
    publisherId: "tfs",
    eventType: "workitem.updated",
    resourceVersion: "1.0",
    consumerId: "webHooks",
    consumerActionId: "httpRequest",
    consumerInputs: { url: webhookUrl, resourceDetailsToSend: "all", httpHeaders: `shared-secret:${sharedSecret}` },
  };
  return (await client.request<AzureSubscription>("POST", "_apis/hooks/subscriptions", { body })).data;
}

/** Reads one subscription. */
export async function getSubscription(client: AzureDevopsClient, id: string): Promise<AzureSubscription> {
  return (await client.request<AzureSubscription>("GET", `_apis/hooks/subscriptions/${encodeURIComponent(id)}`)).data;
}

/** Deletes one subscription (uninstall). */
export async function deleteSubscription(client: AzureDevopsClient, id: string): Promise<void> {
  await client.request<unknown>("DELETE", `_apis/hooks/subscriptions/${encodeURIComponent(id)}`);
}
