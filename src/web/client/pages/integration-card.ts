import { h, replace, time, type Child } from "../dom.js";
import { authorizeCheck, providerLabel, startInstall, uninstall, type IntegrationHealth } from "../integrations-api.js";
import { errorNotice } from "../notice.js";
import { syncSettingsForm } from "./sync-settings-form.js";

const CREDENTIAL_WORDS: Record<string, string> = {
  valid: "Valid",
  expiring: "Expiring soon (refreshed before its next use)",
  expired: "Expired (refreshed on its next use)",
  needs_reauth: "Needs to be authorized again",
  on_demand: "Minted per use (GitHub App installation tokens)",
  static: "A key or shared secret (does not expire)",
  missing: "No credential stored",
};

/** "in 2 h 5 min" / "5 min ago": how far an instant is from now, for the valid-until countdown. */
export function countdown(iso: string, now = Date.now()): string {
  const ms = new Date(iso).getTime() - now;
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const text = minutes < 1 ? "less than a minute" : minutes < 60 ? `${minutes} min` : minutes < 48 * 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${Math.floor(minutes / 1440)} days`;
  return ms >= 0 ? `in ${text}` : `${text} ago`;
}

function facts(rows: [string, Child][]): HTMLElement {
  return h("dl", { class: "facts" }, rows.map(([k, v]) => [h("dt", null, k), h("dd", null, v)]));
}

function credentialFacts(i: IntegrationHealth): HTMLElement {
  const c = i.credential;
  const until = c.validUntil ? h("span", null, time(c.validUntil), " ", h("span", { class: "countdown", "data-until": c.validUntil }, `(${countdown(c.validUntil)})`)) : "—";
  return facts([
    ["Credential", h("span", { class: `badge credential-${c.state}` }, CREDENTIAL_WORDS[c.state] ?? c.state)],
    ["Valid until", until],
    ["Last refreshed", time(c.lastRefreshedAt)],
    ...(c.lastError ? ([["Last error", h("span", { class: "error-text" }, c.lastError)]] as [string, Child][]) : []),
    ...(c.refreshPendingSince ? ([["Refresh pending since", time(c.refreshPendingSince)]] as [string, Child][]) : []),
  ]);
}

function webhookFacts(i: IntegrationHealth): HTMLElement {
  const w = i.webhook;
  const verified = w.lastVerifiedBy === "previous" ? "the previous secret (rotation in progress)" : w.lastVerifiedBy === "current" ? "the current secret" : (w.lastVerifiedBy ?? "—");
  return facts([
    ["Last webhook", w.lastReceivedAt ? h("span", null, time(w.lastReceivedAt), ` ${w.lastEvent ?? ""} `, w.lastState ? h("span", { class: `badge state-${w.lastState}` }, w.lastState) : null) : "None received yet"],
    ["Verified with", verified],
    ["Last refused", w.lastRejection ? h("span", { class: "error-text" }, `${w.lastRejection.reason} (secret tried: ${w.lastRejection.secretTried}) `, time(w.lastRejection.at)) : "None"],
    ["Subscription", i.subscription.state === "not_applicable" ? "Not needed" : h("span", null, h("span", { class: `badge subscription-${i.subscription.state}` }, i.subscription.state), ` ${i.subscription.kind.replace(/_/g, " ")}${i.subscription.id ? ` ${i.subscription.id}` : ""}`, i.subscription.since ? [" since ", time(i.subscription.since)] : null)],
  ]);
}

function failures(i: IntegrationHealth): Child {
  if (i.authFailures.length === 0) return null;
  return h(
    "div",
    { class: "auth-failures" },
    h("h3", null, "Authorization failures"),
    h(
      "ul",
      { class: "plain" },
      i.authFailures.map((f) => h("li", null, h("strong", null, f.class.replace(/_/g, " ")), ` × ${f.count}, last `, time(f.lastAt), f.lastMessage ? h("div", { class: "muted" }, f.lastMessage) : null, h("div", null, f.advice))),
    ),
  );
}

/** Sends the browser into the provider's install flow (also how a revoked credential is authorized again). */
export async function goInstall(org: string, provider: string, status: HTMLElement, flow?: "legacy" | "entra"): Promise<void> {
  replace(status, "Starting the install flow…");
  try {
    window.location.assign(await startInstall(org, provider, flow));
  } catch (error) {
    replace(status, errorNotice(error, `start the ${providerLabel(provider)} install flow`));
  }
}

/** What a card needs from its page: reloading every card, and a message store that outlives a re-render. */
export interface CardHost {
  reload: () => Promise<void>;
  messages: Map<string, Child>;
}

/** One integration's health card: credential, failures, webhook, subscription, actions and sync settings. */
export function integrationCard(org: string, i: IntegrationHealth, host: CardHost): HTMLElement {
  const status = h("div", { class: "status-line", role: "status", "aria-live": "polite" }, host.messages.get(i.id));
  // The card is rebuilt by every reload; its last message is kept by the page and shown again.
  const say = (content: Child) => {
    host.messages.set(i.id, content);
    const current = document.querySelector(`[data-integration="${CSS.escape(i.id)}"] > .status-line`);
    replace(current ?? status, content);
  };
  const reload = host.reload;
  const name = `${providerLabel(i.provider)} ${i.account}`;
  const check = async () => {
    say("Checking the credential…");
    try {
      const result = await authorizeCheck(org, i.id);
      await reload();
      say(
        result.ok
          ? `Authorization works (${result.call}).`
          : h(
              "div",
              { class: "notice notice-error", role: "alert" },
              h("p", null, `Authorization failed (${result.call})${result.class ? `, ${result.class.replace(/_/g, " ")}` : ""}: ${result.message ?? result.code ?? "no detail"}`),
              result.advice ? h("p", null, result.advice) : null,
            ),
      );
    } catch (error) {
      say(errorNotice(error, "check the authorization"));
    }
  };
  const remove = async () => {
    if (!window.confirm(`Uninstall ${name}? Its subscriptions and webhooks at ${providerLabel(i.provider)} are removed; history stays.`)) return;
    say("Uninstalling…");
    try {
      const result = await uninstall(org, i.id);
      say(`Uninstalled${result.removedAtProvider ? ` (removed ${result.removedAtProvider})` : ""}.`);
      await reload();
    } catch (error) {
      say(errorNotice(error, `uninstall ${name}`));
    }
  };
  const reauthorizable = i.provider !== "github" && i.provider !== "opsgenie" && i.provider !== "bitbucket";
  return h(
    "section",
    { class: `card integration${i.credential.needsReauth ? " needs-reauth" : ""}`, "aria-label": name, "data-integration": i.id },
    h("h2", null, name, " ", h("span", { class: `badge state-${i.status}` }, i.status)),
    i.credential.needsReauth
      ? h(
          "div",
          { class: "notice notice-error reauth-banner", role: "alert" },
          h("p", null, h("strong", null, "needs_reauth: "), `${providerLabel(i.provider)} no longer accepts this integration's credential. Nothing syncs through it until someone authorizes it again.`),
          reauthorizable ? h("button", { type: "button", onclick: () => void goInstall(org, i.provider, status) }, "Re-authorize") : null,
        )
      : null,
    h("p", { class: "muted" }, `Installed `, time(i.installedAt), ` · external id ${i.externalId}`),
    h("div", { class: "health-grid" }, credentialFacts(i), webhookFacts(i)),
    failures(i),
    i.status === "active"
      ? h(
          "div",
          { class: "buttons" },
          h("button", { type: "button", class: "secondary", onclick: () => void check() }, "Check authorization"),
          h("button", { type: "button", class: "secondary danger", onclick: () => void remove() }, "Uninstall"),
        )
      : null,
    status,
    i.status === "active" && i.provider !== "opsgenie" ? syncSettingsForm(org, i) : null,
  );
}
