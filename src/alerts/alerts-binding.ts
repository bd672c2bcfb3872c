import type { QueueBinding } from "../jobs/job-handlers.js";
import { OPSGENIE_ALERTS_QUEUE, type AlertJob } from "./alert-jobs.js";
import { runAlertJob } from "./run-alert-job.js";

/** The `opsgenie-alerts` queue's consumer. */
export const opsgenieAlertsBinding: QueueBinding = {
  queue: OPSGENIE_ALERTS_QUEUE,
  concurrency: 4,
  handler: (app) => (job) => runAlertJob(app, job.payload as AlertJob),
};
