import type { App } from "../app.js";
import type { GroupEventNotice } from "../jobs/group-event-hooks.js";
import type { GroupStatusNotice } from "../jobs/group-status-hooks.js";
import { listAlertRules, sentFiresForGroup } from "../store/alert-rules.js";
import { ALERT_BACKOFF_MS, ALERT_MAX_ATTEMPTS, OPSGENIE_ALERTS_QUEUE, type AcknowledgeAlertJob, type SendAlertJob } from "./alert-jobs.js";
import { ruleMatches } from "./rule-conditions.js";
import { OPSGENIE_ACTION_ID } from "./validate-opsgenie-action.js";

/** For a new or regressed group, queues one send per Opsgenie action of each matching rule of its project. */
export async function enqueueRuleAlerts(app: App, notice: GroupEventNotice): Promise<number> {
  if (!notice.isNew && !notice.isRegression) return 0;
  let queued = 0;
  for (const rule of await listAlertRules(app.store.db, notice.projectId)) {
    if (!ruleMatches(rule, notice)) continue;
    for (const [actionIndex, action] of rule.actions.entries()) {
      if (action.id !== OPSGENIE_ACTION_ID) continue;
      const job: SendAlertJob = { kind: "send", ruleId: rule.id, actionIndex, groupId: notice.groupId, eventId: notice.eventId, trigger: notice.isNew ? "new" : "regression" };
      await app.platform.queue.enqueue(OPSGENIE_ALERTS_QUEUE, "send_alert", job, {
        maxAttempts: ALERT_MAX_ATTEMPTS,
        backoffMs: ALERT_BACKOFF_MS,
        // One send per (rule, action, event): a hook told twice about the same event queues it once.
        dedupeKey: `send:${rule.id}:${actionIndex}:${notice.groupId}:${notice.eventId}`,
      });
      queued++;
    }
  }
  return queued;
}

/** When a group is resolved, queues the acknowledgement of every alert its rules opened. */
export async function enqueueAlertAcknowledgements(app: App, notice: GroupStatusNotice): Promise<number> {
  if (notice.status !== "resolved") return 0;
  const fires = await sentFiresForGroup(app.store.db, notice.groupId);
  for (const fire of fires) {
    const job: AcknowledgeAlertJob = { kind: "acknowledge", ruleId: fire.ruleId, groupId: notice.groupId, alias: fire.alias };
    await app.platform.queue.enqueue(OPSGENIE_ALERTS_QUEUE, "acknowledge_alert", job, { maxAttempts: ALERT_MAX_ATTEMPTS, backoffMs: ALERT_BACKOFF_MS });
  }
  return fires.length;
}
