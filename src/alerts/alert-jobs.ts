/** The queue Opsgenie sends and acknowledgements go through (at-least-once; the alias makes Opsgenie de-duplicate). */
export const OPSGENIE_ALERTS_QUEUE = "opsgenie-alerts";
/** Attempts per job: the back-off doubles from `ALERT_BACKOFF_MS` (1, 2, 4, 8, 16 s). */
export const ALERT_MAX_ATTEMPTS = 6;
export const ALERT_BACKOFF_MS = 1_000;

/** Send rule `ruleId`'s action `actionIndex` for a group that was just created or regressed. */
export interface SendAlertJob {
  kind: "send";
  ruleId: number;
  actionIndex: number;
  groupId: number;
  eventId: string;
  trigger: "new" | "regression";
}

/** Acknowledge the alert rule `ruleId` opened for a group that was resolved. */
export interface AcknowledgeAlertJob {
  kind: "acknowledge";
  ruleId: number;
  groupId: number;
  alias: string;
}

export type AlertJob = SendAlertJob | AcknowledgeAlertJob;
