import type { App } from "../app.js";

export const WEBHOOK_QUEUE = "webhook-dispatch";
/** Attempts before a delivery is dead-lettered. */
export const WEBHOOK_MAX_ATTEMPTS = 6;

/**
 * Queues a recorded delivery for processing (deduplicated by its row id). A replay passes its own
 * key: the first job's key stays taken after it completed.
 */
export async function enqueueDelivery(app: App, deliveryRowId: number, replayKey?: string): Promise<void> {
  await app.platform.queue.enqueue(WEBHOOK_QUEUE, "dispatch", { deliveryRowId }, {
    dedupeKey: replayKey === undefined ? `delivery-${deliveryRowId}` : `delivery-${deliveryRowId}-replay-${replayKey}`,
    maxAttempts: WEBHOOK_MAX_ATTEMPTS,
    backoffMs: 1000,
  });
}
