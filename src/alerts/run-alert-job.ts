import type { App } from "../app.js";
import { AppError } from "../domain/errors.js";
import { isoNow } from "../platform/clock.js";
import { alertAlias, buildAlertPayload, OPSGENIE_DEFAULT_PRIORITY, type OpsgeniePriority } from "../providers/opsgenie/alert-action.js";
import { OPSGENIE_UNAVAILABLE } from "../providers/opsgenie/errors.js";
import { findAlertRuleById, recordRuleFailure, recordRuleFire, recordRuleFired, type AlertRule, type StoredAction } from "../store/alert-rules.js";
import { findOpsgenieAccount, type OpsgenieAccount, type OpsgenieTeamEntry } from "../store/opsgenie-accounts.js";
import type { AcknowledgeAlertJob, AlertJob, SendAlertJob } from "./alert-jobs.js";
import { opsgenieClientFor } from "./opsgenie-client-for.js";
import { MISSING_INTEGRATION_MESSAGE, OPSGENIE_ACTION_ID } from "./validate-opsgenie-action.js";

/** Works one job of the `opsgenie-alerts` queue. */
export async function runAlertJob(app: App, job: AlertJob): Promise<void> {
  if (job.kind === "send") return sendRuleAlert(app, job);
  return acknowledgeRuleAlert(app, job);
}

/**
 * Sends one rule action's alert. Outcomes are kept on the rule (`last_fired_at`, or `last_error` and the
 * failure count). Only "Opsgenie unavailable" is thrown back to the queue for another try; a refused
 * key or a removed account/team will not get better by retrying.
 */
async function sendRuleAlert(app: App, job: SendAlertJob): Promise<void> {
  const rule = await findAlertRuleById(app.store.db, job.ruleId);
  const action = rule?.actions[job.actionIndex];
  if (!rule || rule.status !== "active" || !action || action.id !== OPSGENIE_ACTION_ID) return;
  const alias = alertAlias(job.groupId);
  const now = () => isoNow(app.clock);
  const target = await resolveTarget(app, rule, action);
  if ("error" in target) {
    await recordRuleFailure(app.store.db, rule.id, target.error);
    await recordRuleFire(app.store.db, { ruleId: rule.id, groupId: job.groupId, alias, state: "failed", error: target.error, sent: false }, now());
    return;
  }
  const subject = await alertSubject(app, rule, job);
  if (!subject) return;
  const payload = buildAlertPayload(subject, target.entry.team_id, (action.priority || OPSGENIE_DEFAULT_PRIORITY) as OpsgeniePriority);
  try {
    await opsgenieClientFor(app, target.account, target.entry.integration_key).createAlert(payload);
  } catch (error) {
    const message = error instanceof AppError ? error.message : "Opsgenie call failed";
    await recordRuleFailure(app.store.db, rule.id, message);
    await recordRuleFire(app.store.db, { ruleId: rule.id, groupId: job.groupId, alias, state: "failed", error: message, sent: false }, now());
    app.logger.warn({ ruleId: rule.id, groupId: job.groupId, code: (error as AppError).code }, "rule.fail.opsgenie_notification");
    if (error instanceof AppError && error.code === OPSGENIE_UNAVAILABLE) throw error;
    if (!(error instanceof AppError)) throw error;
    return;
  }
  await recordRuleFired(app.store.db, rule.id, now());
  await recordRuleFire(app.store.db, { ruleId: rule.id, groupId: job.groupId, alias, state: "sent", error: null, sent: true }, now());
}

/** Acknowledges a resolved group's alert with every key the rule alerted with. */
async function acknowledgeRuleAlert(app: App, job: AcknowledgeAlertJob): Promise<void> {
  const rule = await findAlertRuleById(app.store.db, job.ruleId);
  if (!rule) return;
  const seen = new Set<string>();
  // Actions of one rule often share an account: it is read once per job, not once per action.
  const accounts = new Map<number, Promise<OpsgenieAccount | undefined>>();
  for (const action of rule.actions) {
    if (action.id !== OPSGENIE_ACTION_ID) continue;
    const target = await resolveTarget(app, rule, action, accounts);
    if ("error" in target) continue;
    // Opsgenie scopes aliases per account: one acknowledgement per account is enough.
    if (seen.has(String(target.account.id))) continue;
    seen.add(String(target.account.id));
    try {
      await opsgenieClientFor(app, target.account, target.entry.integration_key).acknowledgeAlert(job.alias, "The issue was resolved in Switchboard.");
    } catch (error) {
      if (!(error instanceof AppError) || error.code === OPSGENIE_UNAVAILABLE) throw error;
      // A refused key will not be accepted on a retry: keep the reason on the rule and stop.
      await recordRuleFailure(app.store.db, rule.id, error.message);
      app.logger.warn({ ruleId: rule.id, groupId: job.groupId, code: error.code }, "rule.fail.opsgenie_acknowledge");
      return;
    }
  }
  await recordRuleFire(app.store.db, { ruleId: rule.id, groupId: job.groupId, alias: job.alias, state: "acknowledged", error: null, sent: false }, isoNow(app.clock));
}

async function resolveTarget(
  app: App,
  rule: AlertRule,
  action: StoredAction,
  accounts?: Map<number, Promise<OpsgenieAccount | undefined>>,
): Promise<{ account: OpsgenieAccount; entry: OpsgenieTeamEntry } | { error: string }> {
  let read = accounts?.get(action.account);
  if (!read) {
    read = findOpsgenieAccount(app.store.db, rule.organizationId, action.account);
    accounts?.set(action.account, read);
  }
  const account = await read;
  if (!account) return { error: MISSING_INTEGRATION_MESSAGE };
  const entry = account.teams.find((t) => t.id === action.team);
  if (!entry || !entry.team_id) return { error: `The team "${action.team}" does not belong to the ${account.name} Opsgenie account.` };
  return { account, entry };
}

/** The group, project and triggering event as the alert describes them; undefined when the group is gone. */
async function alertSubject(app: App, rule: AlertRule, job: SendAlertJob) {
  const db = app.store.db;
  const row = await db
    .selectFrom("groups as g")
    .innerJoin("projects as p", "p.id", "g.project_id")
    .innerJoin("organizations as o", "o.id", "p.organization_id")
    .select(["g.id", "g.title", "g.culprit", "g.level", "p.slug as projectSlug", "p.name as projectName", "o.slug as orgSlug"])
    .where("g.id", "=", job.groupId)
    .executeTakeFirst();
  if (!row) return undefined;
  const event = await db.selectFrom("events").select("data").where("group_id", "=", job.groupId).where("event_id", "=", job.eventId).executeTakeFirst();
  const data = event ? (safeJson(event.data) as { logger?: string; release?: string; tags?: Array<[string, string]> }) : {};
  const tags = Object.fromEntries((Array.isArray(data.tags) ? data.tags : []).filter((t) => Array.isArray(t) && t.length === 2).map(([k, v]) => [String(k), String(v)]));
  const base = app.config.publicUrl;
  return {
    groupId: Number(row.id),
    title: row.title,
    culprit: row.culprit,
    level: row.level,
    logger: data.logger ?? null,
    release: data.release ?? null,
    projectSlug: row.projectSlug,
    projectName: row.projectName,
    issueUrl: `${base}/organizations/${row.orgSlug}/issues/${row.id}/`,
    ruleLabel: rule.label,
    ruleUrl: `${base}/organizations/${row.orgSlug}/alerts/rules/${row.projectSlug}/${rule.id}/details/`,
    tags,
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}
