import type { App } from "../app.js";
import type { QueueWorker } from "../platform/queue/queue.js";
import { unprocessedDeliveries } from "../store/webhook-deliveries.js";
import { enqueueDelivery } from "./webhook-queue.js";

/**
 * Re-queues deliveries that were recorded but never queued (a crash between commit and enqueue), so
 * nothing acknowledged is lost. Enqueueing is deduplicated per delivery, so a repeat is harmless.
 */
export function startDeliverySweeper(app: App, everyMs = 30_000, graceMs = 30_000): QueueWorker {
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      const olderThan = new Date(app.clock.now() - graceMs).toISOString();
      const stuck = await unprocessedDeliveries(app.store.db, olderThan);
      for (const row of stuck) await enqueueDelivery(app, row.id);
    } catch (error) {
      app.logger.warn({ err: error }, "delivery sweeper failed; will retry");
    } finally {
      running = false;
    }
  }, everyMs);
  timer.unref();
  return { stop: async () => clearInterval(timer) };
}
