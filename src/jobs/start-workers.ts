import type { App } from "../app.js";
import type { QueueWorker } from "../platform/queue/queue.js";
import { QUEUE_BINDINGS } from "./job-handlers.js";

/** Starts one consumer per bound queue. */
export function startJobWorkers(app: App): QueueWorker[] {
  return QUEUE_BINDINGS.map((binding) =>
    app.platform.queue.process(binding.queue, binding.handler(app), { concurrency: binding.concurrency }),
  );
}
