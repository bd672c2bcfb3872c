import type { App } from "../app.js";
import { createOutboundAssigneeSync } from "./outbound/outbound-queue.js";
import type { InboundContext } from "./inbound/sync-group-assignee-inbound.js";
import type { StatusContext } from "./status/set-group-status.js";

/** Back-off before the first retry of an outbound call (doubles on each retry). */
export const OUTBOUND_BACKOFF_MS = 5_000;

/** Everything assignment and inbound sync need, wired to the app's store, cache, lock and queue. */
export function syncContext(app: App): InboundContext & StatusContext {
  return {
    db: app.store.db,
    cache: app.platform.cache,
    clock: app.clock,
    lock: app.platform.lock,
    outbound: createOutboundAssigneeSync(app.store.db, app.platform.queue, OUTBOUND_BACKOFF_MS, app.clock),
    queue: app.platform.queue,
    outboundBackoffMs: OUTBOUND_BACKOFF_MS,
  };
}
