import { h, replace, type Child } from "../dom.js";
import { INSTALLABLE, listIntegrationHealth, type IntegrationHealth } from "../integrations-api.js";
import { errorNotice, infoNotice, loading, statusLine } from "../notice.js";
import type { PageContext } from "../router.js";
import { currentOrg } from "../session.js";
import { countdown, goInstall, integrationCard } from "./integration-card.js";

/** Health changes (a refresh, a webhook, a revoked credential) show within this long without a reload. */
const POLL_MS = 15_000;

function addSection(org: string): HTMLElement {
  const status = statusLine();
  const buttons = INSTALLABLE.flatMap((p) =>
    p.provider === "vsts"
      ? [
          h("button", { type: "button", class: "secondary", onclick: () => void goInstall(org, p.provider, status) }, `Add ${p.label}`),
          h("button", { type: "button", class: "secondary", onclick: () => void goInstall(org, p.provider, status, "entra") }, `Add ${p.label} (Entra ID)`),
        ]
      : [h("button", { type: "button", class: "secondary", onclick: () => void goInstall(org, p.provider, status) }, `Add ${p.label}`)],
  );
  return h(
    "section",
    { class: "card", "aria-labelledby": "add-h" },
    h("h2", { id: "add-h" }, "Add integration"),
    h("p", { class: "muted" }, "Each button starts the provider's install flow; you come back here once it is connected. Opsgenie accounts are added under Alert rules."),
    h("div", { class: "buttons" }, buttons),
    status,
  );
}

/** The organization's integrations with their health, install flows, sync settings and uninstall. */
export async function integrationsPage({ root }: PageContext): Promise<() => void> {
  const org = currentOrg();
  const list = h("div", null, loading("Loading integrations…"));
  replace(root, h("h1", null, "Integrations"), addSection(org), list);
  let shown: IntegrationHealth[] = [];
  const host = { reload: load, messages: new Map<string, Child>() };

  const render = () => {
    if (shown.length === 0) {
      replace(list, infoNotice("No integrations are installed for this organization yet."));
      return;
    }
    const active = shown.filter((i) => i.status === "active");
    const disabled = shown.filter((i) => i.status !== "active");
    replace(
      list,
      active.map((i) => integrationCard(org, i, host)),
      disabled.length ? [h("h2", null, "Uninstalled"), disabled.map((i) => integrationCard(org, i, host))] : null,
    );
  };

  async function load(): Promise<void> {
    try {
      const rows = await listIntegrationHealth(org);
      if (rows === null) {
        replace(list, infoNotice("This server does not offer the integrations API yet."));
        return;
      }
      shown = rows;
      render();
    } catch (error) {
      replace(list, errorNotice(error, "load the integrations", () => void load()));
    }
  }
  await load();

  // Poll unless the person is typing in a form (a re-render would drop their edits).
  const poll = setInterval(() => {
    if (document.visibilityState === "visible" && !list.contains(document.activeElement)) void load();
  }, POLL_MS);
  const tick = setInterval(() => {
    for (const el of list.querySelectorAll<HTMLElement>(".countdown[data-until]")) el.textContent = `(${countdown(el.dataset.until!)})`;
  }, 30_000);
  return () => {
    clearInterval(poll);
    clearInterval(tick);
  };
}
