import type { Kysely, Selectable } from "kysely";
import type { AlertRulesTable, Database } from "./schema.js";

/** A rule condition as stored: Sentry's condition id. */
export interface StoredCondition {
  id: string;
}

/** An Opsgenie action as stored (Sentry's `OpsgenieNotifyTeamAction` data). */
export interface StoredAction {
  id: string;
  account: number;
  team: string;
  priority: string;
}

/** A project alert rule with its firing health. */
export interface AlertRule {
  id: number;
  organizationId: number;
  projectId: number;
  label: string;
  actionMatch: "any" | "all";
  conditions: StoredCondition[];
  actions: StoredAction[];
  status: string;
  lastFiredAt: string | null;
  lastError: string | null;
  failureCount: number;
  createdBy: string | null;
  dateAdded: string;
  dateUpdated: string;
}

export interface AlertRuleInput {
  label: string;
  actionMatch: "any" | "all";
  conditions: StoredCondition[];
  actions: StoredAction[];
}

type Row = Selectable<AlertRulesTable>;

function toRule(row: Row): AlertRule {
  return {
    id: Number(row.id),
    organizationId: Number(row.organization_id),
    projectId: Number(row.project_id),
    label: row.label,
    actionMatch: row.action_match === "all" ? "all" : "any",
    conditions: JSON.parse(row.conditions) as StoredCondition[],
    actions: JSON.parse(row.actions) as StoredAction[],
    status: row.status,
    lastFiredAt: row.last_fired_at,
    lastError: row.last_error,
    failureCount: row.failure_count,
    createdBy: row.created_by,
    dateAdded: row.date_added,
    dateUpdated: row.date_updated,
  };
}

/** Creates an active rule on a project. */
export async function createAlertRule(
  db: Kysely<Database>,
  input: AlertRuleInput & { organizationId: number; projectId: number; createdBy: string | null },
  now: string,
): Promise<AlertRule> {
  const row = await db
    .insertInto("alert_rules")
    .values({
      organization_id: input.organizationId,
      project_id: input.projectId,
      label: input.label,
      action_match: input.actionMatch,
      conditions: JSON.stringify(input.conditions),
      actions: JSON.stringify(input.actions),
      status: "active",
      last_fired_at: null,
      last_error: null,
      failure_count: 0,
      created_by: input.createdBy,
      date_added: now,
      date_updated: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toRule(row);
}

/** A project's active rules, oldest first. */
export async function listAlertRules(db: Kysely<Database>, projectId: number): Promise<AlertRule[]> {
  const rows = await db.selectFrom("alert_rules").selectAll().where("project_id", "=", projectId).where("status", "=", "active").orderBy("id").execute();
  return rows.map((r) => toRule(r));
}

/** One active rule of a project. */
export async function findAlertRule(db: Kysely<Database>, projectId: number, ruleId: number): Promise<AlertRule | undefined> {
  const row = await db.selectFrom("alert_rules").selectAll().where("project_id", "=", projectId).where("id", "=", ruleId).where("status", "=", "active").executeTakeFirst();
  return row ? toRule(row) : undefined;
}

/** A rule by id whatever its project (jobs carry the id only); deleted rules included. */
export async function findAlertRuleById(db: Kysely<Database>, ruleId: number): Promise<AlertRule | undefined> {
  const row = await db.selectFrom("alert_rules").selectAll().where("id", "=", ruleId).executeTakeFirst();
  return row ? toRule(row) : undefined;
}

/** Replaces a rule's label, conditions and actions. */
export async function updateAlertRule(db: Kysely<Database>, ruleId: number, input: AlertRuleInput, now: string): Promise<void> {
  await db
    .updateTable("alert_rules")
    .set({ label: input.label, action_match: input.actionMatch, conditions: JSON.stringify(input.conditions), actions: JSON.stringify(input.actions), date_updated: now })
    .where("id", "=", ruleId)
    .execute();
}

/** Marks a rule deleted; its firing history stays. */
export async function deleteAlertRule(db: Kysely<Database>, ruleId: number, now: string): Promise<void> {
  await db.updateTable("alert_rules").set({ status: "deleted", date_updated: now }).where("id", "=", ruleId).execute();
}

/** A successful send: the rule fired now and its failure streak ends. */
export async function recordRuleFired(db: Kysely<Database>, ruleId: number, now: string): Promise<void> {
  await db.updateTable("alert_rules").set({ last_fired_at: now, last_error: null, failure_count: 0 }).where("id", "=", ruleId).execute();
}

/** A failed send (no secret in `error`): kept on the rule for the API and dashboard. */
export async function recordRuleFailure(db: Kysely<Database>, ruleId: number, error: string): Promise<void> {
  await db
    .updateTable("alert_rules")
    .set((eb) => ({ last_error: error, failure_count: eb("failure_count", "+", 1) }))
    .where("id", "=", ruleId)
    .execute();
}

/** Notes that a rule alerted (or tried to) for a group; one row per (rule, group). */
export async function recordRuleFire(
  db: Kysely<Database>,
  fire: { ruleId: number; groupId: number; alias: string; state: "sent" | "failed" | "acknowledged"; error: string | null; sent: boolean },
  now: string,
): Promise<void> {
  await db
    .insertInto("alert_rule_fires")
    .values({ rule_id: fire.ruleId, group_id: fire.groupId, alias: fire.alias, state: fire.state, times_fired: fire.sent ? 1 : 0, last_error: fire.error, date_added: now, date_updated: now })
    .onConflict((oc) =>
      oc.columns(["rule_id", "group_id"]).doUpdateSet((eb) => ({
        state: fire.state,
        last_error: fire.error,
        times_fired: fire.sent ? eb("alert_rule_fires.times_fired", "+", 1) : eb.ref("alert_rule_fires.times_fired"),
        date_updated: now,
      })),
    )
    .execute();
}

/** The (rule, group) alerts currently sent for a group: what resolving it acknowledges. */
export async function sentFiresForGroup(db: Kysely<Database>, groupId: number): Promise<Array<{ ruleId: number; alias: string }>> {
  const rows = await db.selectFrom("alert_rule_fires").select(["rule_id", "alias"]).where("group_id", "=", groupId).where("state", "=", "sent").orderBy("rule_id").execute();
  return rows.map((r) => ({ ruleId: Number(r.rule_id), alias: r.alias }));
}
