import { ApiError } from "../api.js";
import { h, replace } from "../dom.js";
import { checkedField, showFieldErrors, type CheckedField } from "../field-errors.js";
import { saveSyncSettings, type IntegrationHealth } from "../integrations-api.js";
import { errorNotice } from "../notice.js";

const SWITCHES = [
  ["sync_forward_assignment", "Assign the ticket when the issue is assigned here"],
  ["sync_reverse_assignment", "Assign the issue when the ticket is assigned there"],
  ["sync_status_forward", "Move the ticket when the issue is resolved or reopened here"],
  ["sync_status_reverse", "Resolve or reopen the issue when the ticket moves there"],
] as const;

/** States are only meaningful where the ticket has a workflow (Opsgenie has no tickets, GitHub open/closed only). */
const HAS_STATES = new Set(["vsts", "jira_server", "bitbucket"]);

/** The sync settings form of one integration; saving shows the API's field errors beside each field. */
export function syncSettingsForm(org: string, integration: IntegrationHealth): HTMLElement {
  const settings = integration.syncSettings;
  const fields: Record<string, CheckedField> = {};
  const boxes = SWITCHES.map(([key, label]) => {
    const box = h("input", { type: "checkbox", name: key, checked: settings[key] === true });
    const f = checkedField(label, box);
    f.element.classList.add("checkbox-field");
    fields[`syncSettings.${key}`] = f;
    return { key, box, f };
  });
  const states = HAS_STATES.has(integration.provider)
    ? (["resolve_status", "unresolve_status"] as const).map((key) => {
        const input = h("input", { type: "text", name: key, value: typeof settings[key] === "string" ? settings[key] : "", placeholder: key === "resolve_status" ? "e.g. Done" : "e.g. To Do" });
        const f = checkedField(key === "resolve_status" ? "State when resolved" : "State when reopened", input);
        fields[`syncSettings.${key}`] = f;
        return { key, input, f };
      })
    : [];
  const status = h("div", { class: "status-line", role: "status", "aria-live": "polite" });
  const button = h("button", { type: "submit" }, "Save sync settings");

  const save = async () => {
    const body: Record<string, unknown> = {};
    for (const b of boxes) body[b.key] = b.box.checked;
    for (const s of states) if (s.input.value.trim()) body[s.key] = s.input.value.trim();
    showFieldErrors(null, fields);
    replace(status, "Saving…");
    button.disabled = true;
    try {
      // The form already shows what was saved; the answer's settings are the stored ones for the next render.
      integration.syncSettings = (await saveSyncSettings(org, integration.id, body)).syncSettings;
      replace(status, "Sync settings saved.");
    } catch (error) {
      const rest = showFieldErrors(error, fields);
      replace(status, error instanceof ApiError && error.fields ? (rest.length ? h("p", { class: "error-text" }, rest.join(" ")) : null) : errorNotice(error, "save the sync settings"));
    } finally {
      button.disabled = false;
    }
  };

  return h(
    "form",
    {
      class: "sync-settings",
      "aria-label": `Sync settings of ${integration.account}`,
      onsubmit: (e: Event) => {
        e.preventDefault();
        void save();
      },
    },
    h("h3", null, "Sync settings"),
    boxes.map((b) => b.f.element),
    states.map((s) => s.f.element),
    button,
    status,
  );
}
