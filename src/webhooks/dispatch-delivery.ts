import type { App } from "../app.js";
import type { SyncEvent } from "../domain/neutral-events.js";
import { isoNow } from "../platform/clock.js";
import type { Job } from "../platform/queue/queue.js";
import { installationIdOf, parseIssuesEvent } from "../providers/github/webhook.js";
import { parseWorkItemUpdated } from "../providers/azure-devops/webhook.js";
import { parseIssueUpdated } from "../providers/jira-server/webhook.js";
import { parseBitbucketIssueEvent } from "../providers/bitbucket/webhook.js";
import { findDelivery, markDelivery } from "../store/webhook-deliveries.js";
import { applySyncEvent } from "../sync/apply-sync-event.js";
import { syncContext } from "../sync/sync-context.js";
import { handleInstallationEvent } from "./github/handle-installation.js";
import { handlePullRequestEvent } from "./github/handle-pull-request.js";
import { handlePushEvent } from "./github/handle-push.js";

/** Processes one recorded delivery; failures are recorded on the delivery and rethrown for a retry. */
export async function dispatchDelivery(app: App, job: Job): Promise<void> {
  const { deliveryRowId } = job.payload as { deliveryRowId: number };
  const delivery = await findDelivery(app.store.db, deliveryRowId);
  if (!delivery || delivery.state === "processed") return;
  try {
    const payload = JSON.parse(delivery.body) as Record<string, unknown>;
    if (delivery.provider === "github") await dispatchGithub(app, delivery.event, payload);
    if (delivery.provider === "vsts") await dispatchNeutral(app, delivery.headers, parseWorkItemUpdated, payload);
    if (delivery.provider === "jira_server") await dispatchNeutral(app, delivery.headers, parseIssueUpdated, payload);
    if (delivery.provider === "bitbucket") await dispatchNeutral(app, delivery.headers, (data, id) => parseBitbucketIssueEvent(delivery.event, data, id), payload);
    await markDelivery(app.store.db, delivery.id, "processed", isoNow(app.clock));
  } catch (error) {
    const final = job.attempt >= job.maxAttempts;
    await markDelivery(app.store.db, delivery.id, final ? "dead" : "failed", isoNow(app.clock), (error as Error).message);
    throw error;
  }
}

/** GitHub events in §3.2's order of handlers; `ping` needs nothing beyond being recorded. */
async function dispatchGithub(app: App, event: string, payload: Record<string, unknown>): Promise<void> {
  if (event === "installation") return handleInstallationEvent(app, payload);
  if (event === "push") return handlePushEvent(app, payload);
  if (event === "pull_request") return handlePullRequestEvent(app, payload);
  if (event !== "issues") return;
  const installationId = installationIdOf(payload);
  if (!installationId) return;
  const integration = await app.store.db
    .selectFrom("integrations")
    .select(["id", "provider", "name"])
    .where("provider", "=", "github")
    .where("external_id", "=", installationId)
    .where("status", "=", "active")
    .executeTakeFirst();
  // No integration for this installation: nothing of ours is linked to it (§3.3: log and return).
  if (!integration) return;
  const ctx = syncContext(app);
  for (const change of parseIssuesEvent(payload, integration.id)) await applySyncEvent(ctx, change, integration);
}

/** Applies the neutral events a provider parser finds in a delivery recorded for one integration. */
async function dispatchNeutral(app: App, headers: string, parse: (payload: unknown, integrationId: number) => SyncEvent[], payload: unknown): Promise<void> {
  const integrationId = Number((JSON.parse(headers) as Record<string, string>)["x-integration-id"]);
  if (!Number.isSafeInteger(integrationId)) return;
  const ctx = syncContext(app);
  for (const change of parse(payload, integrationId)) await applySyncEvent(ctx, change);
}
