import { request, seg } from "../api.js";
import { PROVIDER_NAMES, type Delivery, type DeliveryDetail } from "../delivery-types.js";
import { h, replace, time } from "../dom.js";
import { errorNotice, loading, statusLine } from "../notice.js";
import type { PageContext } from "../router.js";
import { currentOrg } from "../session.js";
import { stateBadge } from "./deliveries.js";

function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

/** One delivery: the headers that matter, which secret verified it, its attempts and errors, and Replay. */
export async function deliveryPage({ root, params }: PageContext): Promise<void> {
  const org = currentOrg();
  const id = params.id ?? "";
  const content = h("div", null, loading("Loading the delivery…"));
  const status = statusLine();
  replace(root, h("p", { class: "breadcrumb" }, h("a", { href: "/deliveries" }, "← Webhook deliveries")), h("h1", null, "Webhook delivery"), status, content);

  const load = async () => {
    let d: DeliveryDetail;
    try {
      d = (await request<DeliveryDetail>("GET", `/api/0/organizations/${seg(org)}/webhook-deliveries/${seg(id)}/`)).data;
    } catch (error) {
      replace(content, errorNotice(error, "load this delivery", () => void load()));
      return;
    }
    const replay = h("button", { type: "button", disabled: d.state === "rejected" }, "Replay");
    replay.addEventListener("click", async () => {
      replay.disabled = true;
      replace(status, "Replaying…");
      try {
        const { data } = await request<Delivery>("POST", `/api/0/webhook-deliveries/${seg(d.id)}/replay/`);
        replace(status, `Replay queued: the delivery is ${data.state} and will be processed again.`);
        setTimeout(() => void load(), 1000);
      } catch (error) {
        replace(status, errorNotice(error, "replay this delivery"));
      } finally {
        replay.disabled = false;
      }
    });
    replace(
      content,
      h(
        "dl",
        { class: "facts" },
        h("dt", null, "State"),
        h("dd", { id: "delivery-state" }, stateBadge(d.state)),
        h("dt", null, "Provider"),
        h("dd", null, PROVIDER_NAMES[d.provider] ?? d.provider),
        h("dt", null, "Event"),
        h("dd", null, d.event ?? "—"),
        h("dt", null, "Delivery id"),
        h("dd", null, h("code", null, d.deliveryId ?? "—")),
        h("dt", null, "Verified by"),
        h("dd", null, d.verifiedBy ? `the ${d.verifiedBy} webhook secret` : d.rejection ? `not verified (tried the ${d.rejection.secretTried} secret)` : "—"),
        h("dt", null, "Received"),
        h("dd", null, time(d.receivedAt)),
        h("dt", null, "Processed"),
        h("dd", null, time(d.processedAt)),
        h("dt", null, "Attempts"),
        h("dd", null, String(d.attempts)),
        d.lastError ? [h("dt", null, d.rejection ? "Why it was rejected" : "Last error"), h("dd", { class: "error-text" }, d.lastError)] : null,
      ),
      h("div", { class: "buttons" }, replay, d.state === "rejected" ? h("span", { class: "muted" }, " A rejected request was never recorded, so it cannot be replayed.") : null),
      h("h2", null, "Headers"),
      Object.keys(d.headers).length
        ? h("table", { class: "data kv" }, h("tbody", null, Object.entries(d.headers).map(([k, v]) => h("tr", null, h("th", { scope: "row" }, k), h("td", null, h("code", null, v))))))
        : h("p", { class: "muted" }, "No headers were kept."),
      h("h2", null, "Attempts"),
      d.attemptsLog.length
        ? h(
            "ol",
            { class: "timeline" },
            d.attemptsLog.map((a) => h("li", null, stateBadge(a.outcome), " ", time(a.finishedAt), a.error ? h("div", { class: "error-text" }, a.error) : null)),
          )
        : h("p", { class: "muted" }, "Not processed yet."),
      d.body ? [h("h2", null, "Payload"), h("pre", { class: "payload", tabindex: "0", "aria-label": "Payload" }, prettyBody(d.body))] : null,
    );
  };
  await load();
}
