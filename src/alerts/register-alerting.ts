import type { App } from "../app.js";
import { groupEventHooksFor } from "../jobs/group-event-hooks.js";
import { groupStatusHooksFor } from "../jobs/group-status-hooks.js";
import { enqueueAlertAcknowledgements, enqueueRuleAlerts } from "./enqueue-rule-alerts.js";

/** Subscribes alert rules to saved events (send) and to status changes (resolving acknowledges); once per App. */
export function registerAlerting(app: App): void {
  groupEventHooksFor(app).register((notice) => enqueueRuleAlerts(app, notice).then(() => undefined));
  groupStatusHooksFor(app.store.db).register(async (notice) => {
    try {
      await enqueueAlertAcknowledgements(app, notice);
    } catch (err) {
      app.logger.error({ err, groupId: notice.groupId }, "queueing the acknowledgement of alerts failed");
    }
  });
}
