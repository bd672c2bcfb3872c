import type { QueueBinding } from "../../jobs/job-handlers.js";
import { OUTBOUND_QUEUE, type OutboundJob } from "./outbound-queue.js";
import { runOutboundJob } from "./run-outbound-job.js";

/** The outbound sync queue's consumer. */
export const outboundSyncBinding: QueueBinding = {
  queue: OUTBOUND_QUEUE,
  concurrency: 4,
  handler: (app) => (job) => runOutboundJob({ db: app.store.db, clock: app.clock }, job.payload as OutboundJob),
};
