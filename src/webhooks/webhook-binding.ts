import type { QueueBinding } from "../jobs/job-handlers.js";
import { dispatchDelivery } from "./dispatch-delivery.js";
import { WEBHOOK_QUEUE } from "./webhook-queue.js";

/** The webhook dispatch queue's consumer. */
export const webhookDispatchBinding: QueueBinding = {
  queue: WEBHOOK_QUEUE,
  concurrency: 4,
  handler: (app) => (job) => dispatchDelivery(app, job),
};
