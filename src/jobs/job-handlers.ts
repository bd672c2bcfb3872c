import type { App } from "../app.js";
import type { JobHandler } from "../platform/queue/queue.js";
import { outboundSyncBinding } from "../sync/outbound/outbound-binding.js";
import { webhookDispatchBinding } from "../webhooks/webhook-binding.js";
import { opsgenieAlertsBinding } from "../alerts/alerts-binding.js";

/** A queue and the handler that works its jobs. */
export interface QueueBinding {
  queue: string;
  concurrency: number;
  handler: (app: App) => JobHandler;
}

/** Every queue the service consumes; modules add theirs here. */
export const QUEUE_BINDINGS: QueueBinding[] = [webhookDispatchBinding, outboundSyncBinding, opsgenieAlertsBinding];
