import type { GroupEventNotice } from "../jobs/group-event-hooks.js";
import type { AlertRule } from "../store/alert-rules.js";

/** Sentry's condition ids for "a new issue is created" and "an issue regresses". */
export const FIRST_SEEN_CONDITION = "sentry.rules.conditions.first_seen_event.FirstSeenEventCondition";
export const REGRESSION_CONDITION = "sentry.rules.conditions.regression_event.RegressionEventCondition";
export const CONDITION_IDS = [FIRST_SEEN_CONDITION, REGRESSION_CONDITION] as const;

/** Sentry's labels for the conditions. */
export const CONDITION_LABELS: Record<string, string> = {
  [FIRST_SEEN_CONDITION]: "A new issue is created",
  [REGRESSION_CONDITION]: "The issue changes state from resolved to unresolved",
};

/** Whether a saved event satisfies a rule's conditions (`any` or `all` of them). */
export function ruleMatches(rule: Pick<AlertRule, "conditions" | "actionMatch">, notice: Pick<GroupEventNotice, "isNew" | "isRegression">): boolean {
  const passes = rule.conditions.map((c) => (c.id === FIRST_SEEN_CONDITION ? notice.isNew : c.id === REGRESSION_CONDITION ? notice.isRegression : false));
  if (passes.length === 0) return false;
  return rule.actionMatch === "all" ? passes.every(Boolean) : passes.some(Boolean);
}
