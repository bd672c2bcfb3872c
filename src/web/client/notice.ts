import { describeError } from "./api.js";
import { h } from "./dom.js";

/** An error a person can act on, with a Retry button when the action can simply be repeated. */
export function errorNotice(error: unknown, what: string, retry?: () => void): HTMLElement {
  return h(
    "div",
    { class: "notice notice-error", role: "alert" },
    h("p", null, describeError(error, what)),
    retry ? h("button", { type: "button", class: "secondary", onclick: retry }, "Retry") : null,
  );
}

/** A neutral message (an empty list, a feature not offered by this server yet). */
export function infoNotice(text: string): HTMLElement {
  return h("div", { class: "notice", role: "status" }, h("p", null, text));
}

/** Placeholder while a section loads. */
export function loading(what = "Loading…"): HTMLElement {
  return h("p", { class: "loading", role: "status", "aria-live": "polite" }, what);
}

/** A status line updated after an action (announced politely to screen readers). */
export function statusLine(): HTMLElement {
  return h("div", { class: "status-line", role: "status", "aria-live": "polite" });
}
