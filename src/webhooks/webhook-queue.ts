import type { App } from "../app.js";

export const WEBHOOK_QUEUE = "webhook-dispatch";
/** Attempts before a delivery is dead-lettered. */
export const WEBHOOK_MAX_ATTEMPTS = 6;

/** Queues a recorded delivery for processing (deduplicated by its row id). */
export async function enqueueDelivery(app: App, deliveryRowId: number): Promise<void> {
  await app.platform.queue.enqueue(WEBHOOK_QUEUE, "dispatch", { deliveryRowId }, {
    dedupeKey: `delivery-${deliveryRowId}`,
    maxAttempts: WEBHOOK_MAX_ATTEMPTS,
    backoffMs: 1000,
  });
}
