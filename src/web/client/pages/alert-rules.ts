import { ApiError, get, seg } from "../api.js";
import { h, replace, time } from "../dom.js";
import { errorNotice, infoNotice, loading } from "../notice.js";
import type { PageContext } from "../router.js";
import { currentOrg } from "../session.js";
import type { Project } from "../types.js";
import { alertRuleForm, type OpsgenieAccount } from "./alert-rule-form.js";

interface Rule {
  id: string;
  name: string;
  actionMatch: string;
  conditions: { id: string; name: string }[];
  actions: { id: string; name: string }[];
  lastFiredAt: string | null;
  lastError: string | null;
  failureCount: number;
}

function ruleItem(r: Rule): HTMLElement {
  const when = r.conditions.map((c) => c.name).join(r.actionMatch === "all" ? " and " : " or ");
  return h(
    "li",
    { class: "rule" },
    h("strong", null, r.name),
    h("div", null, h("span", { class: "muted" }, "When "), when || "—", h("span", { class: "muted" }, ", then "), r.actions.map((a) => a.name).join("; ") || "—"),
    h("div", { class: "muted" }, "Last fired: ", time(r.lastFiredAt)),
    r.lastError ? h("div", { class: "error-text" }, `Last error (${r.failureCount} failed in a row): ${r.lastError}`) : null,
  );
}

/** Alert rules per project (from the rules API, when this server has it). */
export async function alertRulesPage({ root }: PageContext): Promise<void> {
  const org = currentOrg();
  const body = h("div", null, loading("Loading projects…"));
  const formsNote = h("div");
  replace(root, h("h1", null, "Alert rules"), formsNote, body);
  const load = async () => {
    let projects: Project[];
    try {
      projects = await get<Project[]>(`/api/0/organizations/${seg(org)}/projects/`);
    } catch (error) {
      replace(body, errorNotice(error, "load the projects", () => void load()));
      return;
    }
    if (projects.length === 0) {
      replace(body, infoNotice("No projects yet; alert rules belong to a project."));
      return;
    }
    let accounts: OpsgenieAccount[] | null;
    try {
      accounts = await get<OpsgenieAccount[]>(`/api/0/organizations/${seg(org)}/integrations/opsgenie/`);
    } catch (error) {
      accounts = null;
      replace(formsNote, errorNotice(error, "load the Opsgenie accounts (needed to add a rule)"));
    }
    const sections = await Promise.all(
      projects.map(async (p) => {
        let content: HTMLElement;
        try {
          const rules = await get<Rule[]>(`/api/0/projects/${seg(org)}/${seg(p.slug)}/rules/`);
          content = rules.length
            ? h("ul", { class: "plain linked" }, rules.map(ruleItem))
            : h("p", { class: "muted" }, "No alert rules.");
        } catch (error) {
          content =
            error instanceof ApiError && error.status === 404 && error.code === "not_found"
              ? infoNotice("This server does not offer the alert rules API yet.")
              : errorNotice(error, `load the alert rules of ${p.name}`);
        }
        const form =
          accounts === null
            ? null
            : accounts.length === 0
              ? infoNotice("Add an Opsgenie account (Opsgenie accounts API) to create a rule that pages a team.")
              : alertRuleForm(org, p, accounts, load);
        return h("section", { class: "card", "aria-label": p.name }, h("h2", null, p.name), content, form);
      }),
    );
    replace(body, sections);
  };
  await load();
}
