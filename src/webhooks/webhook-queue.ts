import type { App } from "../app.js";
import type { ManyJob } from "../platform/queue/queue.js";

export const WEBHOOK_QUEUE = "webhook-dispatch";
/** Attempts before a delivery is dead-lettered. */
export const WEBHOOK_MAX_ATTEMPTS = 6;
/** Most jobs in one enqueue write. */
const BATCH = 64;

interface Pending {
  job: ManyJob;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Gathers the enqueues of concurrent requests into one write per batch (the queue's `enqueueMany`),
 * the same way the inbox groups its inserts: one statement or Redis round trip for a burst.
 */
class DeliveryEnqueuer {
  private pending: Pending[] = [];
  private scheduled = false;

  constructor(private readonly app: App) {}

  add(job: ManyJob): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ job, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.scheduled = false;
    const all = this.pending;
    this.pending = [];
    for (let i = 0; i < all.length; i += BATCH) {
      const batch = all.slice(i, i + BATCH);
      this.app.platform.queue
        .enqueueMany(WEBHOOK_QUEUE, "dispatch", batch.map((p) => p.job), { maxAttempts: WEBHOOK_MAX_ATTEMPTS, backoffMs: 1000 })
        .then(
          () => batch.forEach((p) => p.resolve()),
          (error: unknown) => batch.forEach((p) => p.reject(error)),
        );
    }
  }
}

const enqueuers = new WeakMap<App, DeliveryEnqueuer>();

/**
 * Queues a recorded delivery for processing (deduplicated by its row id). A replay passes its own
 * key: the first job's key stays taken after it completed.
 */
export async function enqueueDelivery(app: App, deliveryRowId: number, replayKey?: string): Promise<void> {
  let enqueuer = enqueuers.get(app);
  if (!enqueuer) enqueuers.set(app, (enqueuer = new DeliveryEnqueuer(app)));
  await enqueuer.add({
    payload: { deliveryRowId },
    dedupeKey: replayKey === undefined ? `delivery-${deliveryRowId}` : `delivery-${deliveryRowId}-replay-${replayKey}`,
  });
}

/**
 * Queues a delivery the inbox just recorded, for the webhook routes: the delivery is already durable,
 * so a queue failure must not turn the acknowledgement into an error (the sweeper queues it later).
 */
export async function queueRecordedDelivery(app: App, deliveryRowId: number): Promise<void> {
  try {
    await enqueueDelivery(app, deliveryRowId);
  } catch (error) {
    app.logger.warn({ err: (error as Error).message, deliveryRowId }, "could not queue a recorded delivery; the sweeper will");
  }
}
