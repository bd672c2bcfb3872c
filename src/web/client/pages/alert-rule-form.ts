import { ApiError, request, seg } from "../api.js";
import { h, replace } from "../dom.js";
import { checkedField, checkedGroup, showFieldErrors, type CheckedField } from "../field-errors.js";
import { errorNotice } from "../notice.js";

/** An Opsgenie account as `GET /api/0/organizations/{org}/integrations/opsgenie/` lists it (keys masked). */
export interface OpsgenieAccount {
  id: string;
  name: string;
  teamTable: { id: string; team: string }[];
}

const CONDITIONS = [
  ["sentry.rules.conditions.first_seen_event.FirstSeenEventCondition", "A new issue is created"],
  ["sentry.rules.conditions.regression_event.RegressionEventCondition", "The issue changes state from resolved to unresolved"],
] as const;
const OPSGENIE_ACTION_ID = "sentry.integrations.opsgenie.notify_action.OpsgenieNotifyTeamAction";
const PRIORITIES = ["P1", "P2", "P3", "P4", "P5"];

/**
 * The "New alert rule" form of one project: conditions and an Opsgenie team notification. Every team of every
 * account is offered (grouped by account) and the server decides; its field errors (`actions.0.team`,
 * `actions.0.account`...) show beside the field they are about.
 */
export function alertRuleForm(org: string, project: { slug: string; name: string }, accounts: OpsgenieAccount[], created: () => Promise<void>): HTMLElement {
  const name = checkedField("Rule name", h("input", { type: "text", name: "name", required: true }));
  const boxes = CONDITIONS.map(([id, label], i) => ({ id, box: h("input", { type: "checkbox", name: "condition", value: id, checked: i === 0 }), label }));
  const conditionsError = checkedGroup("When", ...boxes.map((b) => h("label", { class: "inline-check" }, b.box, ` ${b.label}`)));
  const account = checkedField("Opsgenie account", h("select", { name: "account" }, accounts.map((a) => h("option", { value: a.id }, a.name))));
  const team = checkedField(
    "Team",
    h("select", { name: "team" }, accounts.map((a) => h("optgroup", { label: a.name }, a.teamTable.map((t) => h("option", { value: t.id }, `${t.team} (${a.name})`))))),
  );
  const priority = checkedField("Priority", h("select", { name: "priority" }, PRIORITIES.map((p) => h("option", { value: p, selected: p === "P3" }, p))));
  const general = h("div", { class: "form-errors" });
  const status = h("div", { class: "status-line", role: "status", "aria-live": "polite" });
  const submit = h("button", { type: "submit" }, "Save rule");
  const fields: Record<string, CheckedField> = {
    name,
    conditions: conditionsError,
    "conditions.0.id": conditionsError,
    "actions.0.account": account,
    "actions.0.team": team,
    "actions.0.priority": priority,
  };

  const save = async () => {
    showFieldErrors(null, fields);
    replace(general);
    replace(status, "Saving… (the team's integration key is checked with Opsgenie)");
    submit.disabled = true;
    const body = {
      name: (name.control as HTMLInputElement).value,
      actionMatch: "any",
      conditions: boxes.filter((b) => b.box.checked).map((b) => ({ id: b.id })),
      actions: [{ id: OPSGENIE_ACTION_ID, account: (account.control as HTMLSelectElement).value, team: (team.control as HTMLSelectElement).value, priority: (priority.control as HTMLSelectElement).value }],
    };
    try {
      await request("POST", `/api/0/projects/${seg(org)}/${seg(project.slug)}/rules/`, body);
      replace(status, `Rule "${body.name}" saved.`);
      (name.control as HTMLInputElement).value = "";
      await created();
    } catch (error) {
      replace(status);
      const rest = showFieldErrors(error, fields);
      if (!(error instanceof ApiError && error.fields)) replace(general, errorNotice(error, "save the rule"));
      else if (rest.length) replace(general, h("div", { class: "notice notice-error", role: "alert" }, h("p", null, rest.join(" "))));
    } finally {
      submit.disabled = false;
    }
  };

  return h(
    "form",
    {
      class: "rule-form",
      "aria-label": `New alert rule for ${project.name}`,
      novalidate: true,
      onsubmit: (e: Event) => {
        e.preventDefault();
        void save();
      },
    },
    h("h3", null, "New alert rule"),
    name.element,
    conditionsError.element,
    h("div", { class: "inline-form" }, account.element, team.element, priority.element),
    general,
    submit,
    status,
  );
}
