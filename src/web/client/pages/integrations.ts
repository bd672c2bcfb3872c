import { h, replace } from "../dom.js";
import { listIntegrations } from "../integrations-api.js";
import { errorNotice, infoNotice, loading } from "../notice.js";
import type { PageContext } from "../router.js";
import { currentOrg } from "../session.js";

/** The organization's installed integrations (from the integrations API, when this server has it). */
export async function integrationsPage({ root }: PageContext): Promise<void> {
  const body = h("div", null, loading("Loading integrations…"));
  replace(root, h("h1", null, "Integrations"), body);
  const load = async () => {
    try {
      const integrations = await listIntegrations(currentOrg());
      if (integrations === null) {
        replace(body, infoNotice("This server does not offer the integrations API yet. GitHub installs itself when the GitHub App is installed; see the README."));
        return;
      }
      replace(
        body,
        integrations.length
          ? h(
              "table",
              { class: "data" },
              h("thead", null, h("tr", null, ["Name", "Provider", "Status", "Id"].map((c) => h("th", { scope: "col" }, c)))),
              h(
                "tbody",
                null,
                integrations.map((i) =>
                  h("tr", null, h("td", { "data-label": "Name" }, i.name), h("td", { "data-label": "Provider" }, i.provider), h("td", { "data-label": "Status" }, h("span", { class: `badge state-${i.status}` }, i.status)), h("td", { "data-label": "Id" }, i.id)),
                ),
              ),
            )
          : infoNotice("No integrations are installed for this organization."),
      );
    } catch (error) {
      replace(body, errorNotice(error, "load the integrations", () => void load()));
    }
  };
  await load();
}
