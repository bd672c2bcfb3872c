import { get, request, seg } from "../api.js";
import { deliveryChart } from "../delivery-chart.js";
import { DELIVERY_STATES, PROVIDER_NAMES, type Delivery, type DeliveryStats } from "../delivery-types.js";
import { field, h, replace, time } from "../dom.js";
import { errorNotice, infoNotice, loading } from "../notice.js";
import { navigate, type PageContext } from "../router.js";
import { currentOrg } from "../session.js";

/** A delivery's state as a badge. */
export function stateBadge(state: string): HTMLElement {
  return h("span", { class: `badge state-${state}` }, state);
}

/** Webhook deliveries: the last hour per minute, and the log filtered by provider and state. */
export async function deliveriesPage({ root, query }: PageContext): Promise<void> {
  const org = currentOrg();
  const provider = query.get("provider") ?? "";
  const state = query.get("state") ?? "";
  const cursor = query.get("cursor") ?? "";
  const providerSelect = h("select", { name: "provider" }, h("option", { value: "" }, "Any provider"), Object.entries(PROVIDER_NAMES).map(([k, v]) => h("option", { value: k, selected: k === provider }, v)));
  const stateSelect = h("select", { name: "state" }, h("option", { value: "" }, "Any state"), DELIVERY_STATES.map((s) => h("option", { value: s, selected: s === state }, s)));
  const filters = h(
    "form",
    {
      class: "filters",
      role: "search",
      "aria-label": "Filter deliveries",
      onsubmit: (e: Event) => {
        e.preventDefault();
        const q = new URLSearchParams();
        if (providerSelect.value) q.set("provider", providerSelect.value);
        if (stateSelect.value) q.set("state", stateSelect.value);
        navigate(`/deliveries${q.size ? `?${q}` : ""}`);
      },
    },
    field("Provider", providerSelect),
    field("State", stateSelect),
    h("button", { type: "submit" }, "Apply filters"),
  );
  const chart = h("section", { "aria-labelledby": "chart-h" }, h("h2", { id: "chart-h" }, "Last hour"), loading("Loading the chart…"));
  const results = h("section", { "aria-labelledby": "log-h" }, h("h2", { id: "log-h" }, "Deliveries"), filters, loading("Loading deliveries…"));
  replace(root, h("h1", null, "Webhook deliveries"), chart, results);

  const loadChart = async () => {
    try {
      const stats = await get<DeliveryStats>(`/api/0/organizations/${seg(org)}/webhook-deliveries/stats/?minutes=60`);
      replace(chart, h("h2", { id: "chart-h" }, "Last hour"), deliveryChart(stats));
    } catch (error) {
      replace(chart, h("h2", { id: "chart-h" }, "Last hour"), errorNotice(error, "load the delivery chart", () => void loadChart()));
    }
  };

  const loadList = async () => {
    const params = new URLSearchParams({ limit: "50" });
    if (provider) params.set("provider", provider);
    if (state) params.set("state", state);
    if (cursor) params.set("cursor", cursor);
    try {
      const page = await request<Delivery[]>("GET", `/api/0/organizations/${seg(org)}/webhook-deliveries/?${params}`);
      const table = page.data.length
        ? h(
            "table",
            { class: "data" },
            h("thead", null, h("tr", null, ["Received", "Provider", "Event", "State", "Verified by", "Attempts", "Last error"].map((c) => h("th", { scope: "col" }, c)))),
            h(
              "tbody",
              null,
              page.data.map((d) =>
                h(
                  "tr",
                  null,
                  h("td", { "data-label": "Received" }, h("a", { href: `/deliveries/${seg(d.id)}` }, time(d.receivedAt))),
                  h("td", { "data-label": "Provider" }, PROVIDER_NAMES[d.provider] ?? d.provider),
                  h("td", { "data-label": "Event" }, d.event ?? "—"),
                  h("td", { "data-label": "State" }, stateBadge(d.state)),
                  h("td", { "data-label": "Verified by" }, d.verifiedBy ? `${d.verifiedBy} secret` : "—"),
                  h("td", { "data-label": "Attempts", class: "num" }, String(d.attempts)),
                  h("td", { "data-label": "Last error", class: "error-text" }, d.lastError ?? ""),
                ),
              ),
            ),
          )
        : infoNotice(provider || state ? "No deliveries match these filters." : "No webhook deliveries have arrived for this organization yet.");
      const nextQuery = new URLSearchParams(query);
      if (page.next) nextQuery.set("cursor", page.next);
      replace(
        results,
        h("h2", { id: "log-h" }, "Deliveries"),
        filters,
        table,
        h(
          "nav",
          { class: "pager", "aria-label": "Pages" },
          cursor ? h("a", { href: `/deliveries${provider || state ? `?${new URLSearchParams([...query].filter(([k]) => k !== "cursor"))}` : ""}`, class: "button secondary" }, "Newest") : null,
          page.next ? h("a", { href: `/deliveries?${nextQuery}`, class: "button secondary" }, "Older") : null,
        ),
      );
    } catch (error) {
      replace(results, h("h2", { id: "log-h" }, "Deliveries"), filters, errorNotice(error, "load the webhook deliveries", () => void loadList()));
    }
  };
  await Promise.all([loadChart(), loadList()]);
}
