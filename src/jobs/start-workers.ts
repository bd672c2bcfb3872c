import type { App } from "../app.js";
import type { QueueWorker } from "../platform/queue/queue.js";
import { startDeliverySweeper } from "../webhooks/delivery-sweeper.js";
import { QUEUE_BINDINGS } from "./job-handlers.js";
import { startAzureSubscriptionWatch } from "./azure-subscription-watch.js";

/** Starts one consumer per bound queue, and the sweeper that re-queues deliveries a crash left behind. */
export function startJobWorkers(app: App): QueueWorker[] {
  const workers = QUEUE_BINDINGS.map((binding) =>
    app.platform.queue.process(binding.queue, binding.handler(app), { concurrency: binding.concurrency }),
  );
  return [...workers, startDeliverySweeper(app), startAzureSubscriptionWatch(app)];
}
