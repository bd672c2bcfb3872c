import { ApiError, get, seg } from "../api.js";
import { h, replace } from "../dom.js";
import { errorNotice, infoNotice, loading } from "../notice.js";
import type { PageContext } from "../router.js";
import { currentOrg } from "../session.js";
import type { Project } from "../types.js";

type Rule = Record<string, unknown> & { id?: unknown; name?: unknown; actions?: unknown };

function describeActions(actions: unknown): string {
  if (!Array.isArray(actions) || actions.length === 0) return "—";
  return actions.map((a) => (a && typeof a === "object" ? String((a as Record<string, unknown>).name ?? (a as Record<string, unknown>).id ?? "action") : String(a))).join(", ");
}

/** Alert rules per project (from the rules API, when this server has it). */
export async function alertRulesPage({ root }: PageContext): Promise<void> {
  const org = currentOrg();
  const body = h("div", null, loading("Loading projects…"));
  replace(root, h("h1", null, "Alert rules"), body);
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
    const sections = await Promise.all(
      projects.map(async (p) => {
        let content: HTMLElement;
        try {
          const rules = await get<Rule[]>(`/api/0/projects/${seg(org)}/${seg(p.slug)}/rules/`);
          content = rules.length
            ? h("ul", { class: "plain" }, rules.map((r) => h("li", null, h("strong", null, String(r.name ?? r.id ?? "Rule")), h("span", { class: "muted" }, ` → ${describeActions(r.actions)}`))))
            : h("p", { class: "muted" }, "No alert rules.");
        } catch (error) {
          content =
            error instanceof ApiError && error.status === 404 && error.code === "not_found"
              ? infoNotice("This server does not offer the alert rules API yet.")
              : errorNotice(error, `load the alert rules of ${p.name}`);
        }
        return h("section", { class: "card" }, h("h2", null, p.name), content);
      }),
    );
    replace(body, sections);
  };
  await load();
}
