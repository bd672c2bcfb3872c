import { ApiError } from "./api.js";
import { h, replace } from "./dom.js";

/** A labelled control with a place for its own error, announced and tied to the control. */
export interface CheckedField {
  /** The wrapper to put in the form. */
  element: HTMLElement;
  control: HTMLElement;
  /** Shows a message beside the control (null clears it). */
  setError(message: string | null): void;
}

let counter = 0;

/** A form field whose error shows right under the control (aria-invalid + aria-describedby). */
export function checkedField(label: string, control: HTMLElement, hint?: string): CheckedField {
  const id = control.id || `cf-${++counter}`;
  control.id = id;
  const errorId = `${id}-error`;
  const error = h("p", { class: "field-error", id: errorId, role: "alert", hidden: true });
  const labelEl = h("label", { for: id }, label);
  const element = h("div", { class: "field" }, labelEl, control, hint ? h("small", { class: "hint" }, hint) : null, error);
  return {
    element,
    control,
    setError(message) {
      if (message) {
        replace(error, message);
        error.hidden = false;
        control.setAttribute("aria-invalid", "true");
        control.setAttribute("aria-describedby", errorId);
      } else {
        replace(error);
        error.hidden = true;
        control.removeAttribute("aria-invalid");
        control.removeAttribute("aria-describedby");
      }
    },
  };
}

/** A group of checkboxes (a fieldset with its legend) with one error place for the whole group. */
export function checkedGroup(legend: string, ...controls: HTMLElement[]): CheckedField {
  const id = `cg-${++counter}`;
  const error = h("p", { class: "field-error", id: `${id}-error`, role: "alert", hidden: true });
  const fieldset = h("fieldset", { class: "field checkbox-group", id }, h("legend", null, legend), controls, error);
  return {
    element: fieldset,
    control: fieldset,
    setError(message) {
      replace(error, message ?? "");
      error.hidden = !message;
      if (message) fieldset.setAttribute("aria-describedby", error.id);
      else fieldset.removeAttribute("aria-describedby");
    },
  };
}

/**
 * Puts each of an API answer's field errors beside its field. `fields` maps the API's keys (`externalIssue`,
 * `actions.0.team`) to fields; returns the messages no field claimed, for a general notice.
 */
export function showFieldErrors(error: unknown, fields: Record<string, CheckedField>): string[] {
  for (const f of Object.values(fields)) f.setError(null);
  if (!(error instanceof ApiError) || !error.fields) return [];
  const unclaimed: string[] = [];
  const shown = new Set<CheckedField>();
  for (const [key, messages] of Object.entries(error.fields)) {
    const target = fields[key];
    if (target) {
      target.setError(messages.join(" "));
      shown.add(target);
    } else unclaimed.push(...messages);
  }
  // A message repeated under a summary key (Sentry's `actions`) is already beside its field.
  const beside = [...shown].map((f) => f.element.querySelector(".field-error")?.textContent ?? "");
  return [...new Set(unclaimed)].filter((m) => !beside.some((text) => text.includes(m)));
}
