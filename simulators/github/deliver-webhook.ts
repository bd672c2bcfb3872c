import { randomUUID } from "node:crypto";
import type { SimServer } from "../shared/sim-server.js";
import type { Delivery } from "../shared/webhook-sender.js";
import { signPayload } from "./sign-payload.js";
import type { GithubState } from "./state.js";

/** Sends one event to the app's webhook URL, with GitHub's headers and signatures (§1.6). */
export async function deliverWebhook(
  server: SimServer,
  state: GithubState,
  event: string,
  payload: Record<string, unknown>,
  deliveryId: string = randomUUID(),
): Promise<Delivery | undefined> {
  if (!state.webhookUrl || !state.deliveriesEnabled) return undefined;
  const body = JSON.stringify(payload);
  const signatures = signPayload(state.webhookSecret, body);
  return server.webhooks.send(state.webhookUrl, {
    "content-type": "application/json",
    "user-agent": "GitHub-Hookshot/044aadd",
    "x-github-event": event,
    "x-github-delivery": deliveryId,
    "x-github-hook-id": "1",
    "x-github-hook-installation-target-type": "integration",
    "x-github-hook-installation-target-id": String(state.appId),
    "x-hub-signature-256": signatures.sha256,
    "x-hub-signature": signatures.sha1,
  }, body);
}
