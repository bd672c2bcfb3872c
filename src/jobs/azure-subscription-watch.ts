import type { App } from "../app.js";
import { isoNow } from "../platform/clock.js";
import type { QueueWorker } from "../platform/queue/queue.js";
import { azureClientFor, loadAzureIntegration } from "../providers/azure-devops/integration-client.js";
import { subscribeWorkItemUpdates, subscriptionState } from "../providers/azure-devops/install.js";

/** What the watch found for one integration. */
export interface SubscriptionCheck {
  integrationId: number;
  state: string;
  recreated: boolean;
  error?: string;
}

/** States after which Azure sends nothing more: the subscription has to be made again (§1.8). */
const GONE = new Set(["missing", "disabledBySystem", "disabledByUser", "disabledBySystemOwner", "disabledByInactiveIdentity"]);

/**
 * Checks every active Azure DevOps integration's service-hook subscription and re-creates one that has
 * disappeared or that Azure disabled, with a new shared secret (sealed in `metadata.subscription`).
 * An integration that cannot be reached is reported and left for the next run.
 */
export async function checkAzureSubscriptions(app: App): Promise<SubscriptionCheck[]> {
  const rows = await app.store.db
    .selectFrom("integrations")
    .select(["id"])
    .where("provider", "=", "vsts")
    .where("status", "=", "active")
    .where((eb) => eb.exists(eb.selectFrom("organization_integrations").select("id").whereRef("organization_integrations.integration_id", "=", "integrations.id").where("organization_integrations.status", "=", "active")))
    .orderBy("id")
    .execute();
  const results: SubscriptionCheck[] = [];
  for (const row of rows) {
    try {
      const integration = await loadAzureIntegration(app, row.id);
      const client = azureClientFor(app, integration);
      const current = integration.metadata.subscription as { id?: unknown } | undefined;
      const state = typeof current?.id === "string" ? await subscriptionState(client, current.id) : "missing";
      if (!GONE.has(state)) {
        results.push({ integrationId: row.id, state, recreated: false });
        continue;
      }
      const { subscription, secret } = await subscribeWorkItemUpdates(client, app.config.publicUrl);
      const now = isoNow(app.clock);
      const metadata = { ...integration.metadata, subscription: { id: subscription.id, secret: app.vault.seal(secret), created_at: now, replaced: typeof current?.id === "string" ? current.id : null } };
      await app.store.db.updateTable("integrations").set({ metadata: JSON.stringify(metadata), date_updated: now }).where("id", "=", row.id).execute();
      app.logger.info({ integrationId: row.id, previousState: state, subscriptionId: subscription.id }, "azure devops subscription re-created");
      results.push({ integrationId: row.id, state, recreated: true });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      app.logger.warn({ integrationId: row.id, err: message }, "azure devops subscription check failed; will retry");
      results.push({ integrationId: row.id, state: "unknown", recreated: false, error: message });
    }
  }
  return results;
}

/**
 * Runs the subscription check periodically in a worker; one process per period does it (a lock that is
 * left to lapse), so several workers do not re-create the same subscription twice.
 */
export function startAzureSubscriptionWatch(app: App, everyMs = 15 * 60_000): QueueWorker {
  const timer = setInterval(async () => {
    try {
      const turn = await app.platform.lock.acquire("azure-subscription-watch", { ttlMs: everyMs - 1000, waitMs: 0 });
      if (turn) await checkAzureSubscriptions(app);
    } catch (error) {
      app.logger.warn({ err: error }, "azure devops subscription watch failed; will retry");
    }
  }, everyMs);
  timer.unref();
  return { stop: async () => clearInterval(timer) };
}
