import type { JiraStatus, JiraTransition } from "./issues.js";

/**
 * Which status a ticket moves to when its group is resolved or unresolved. The organization-integration
 * config may map it per Jira project (or `*` for all): `{"status_mapping": {"SWB": {"on_resolve": "Done",
 * "on_unresolve": "To Do"}}}` (names or ids), else the defaults `resolve_status` / `unresolve_status`;
 * without either, resolved means Jira's done category and
 * unresolved its to-do category (then in-progress).
 */
export interface StatusTarget {
  /** A status name or id from the config, if mapped. */
  mapped?: string;
  resolved: boolean;
}

/** The target for a project from the org integration's config. */
export function statusTarget(config: Record<string, unknown>, projectKey: string | undefined, resolved: boolean): StatusTarget {
  const mapping = config.status_mapping;
  if (mapping && typeof mapping === "object") {
    const entry = ((projectKey ? (mapping as Record<string, unknown>)[projectKey] : undefined) ?? (mapping as Record<string, unknown>)["*"]) as Record<string, unknown> | undefined;
    const value = entry?.[resolved ? "on_resolve" : "on_unresolve"];
    if (typeof value === "string" && value.length > 0) return { mapped: value, resolved };
  }
  const fallback = config[resolved ? "resolve_status" : "unresolve_status"];
  if (typeof fallback === "string" && fallback.length > 0) return { mapped: fallback, resolved };
  return { resolved };
}

function named(status: JiraStatus, value: string): boolean {
  return status.id === value || status.name.toLowerCase() === value.toLowerCase();
}

/** Whether the issue already is where the target wants it (no transition, no echo). */
export function isAtTarget(current: JiraStatus | null | undefined, target: StatusTarget): boolean {
  if (!current) return false;
  if (target.mapped) return named(current, target.mapped);
  return (current.statusCategory?.key === "done") === target.resolved;
}

/** The transition that reaches the target, preferring to-do over in-progress when reopening. */
export function pickTransition(transitions: JiraTransition[], target: StatusTarget): JiraTransition | undefined {
  if (target.mapped) return transitions.find((t) => named(t.to, target.mapped as string));
  if (target.resolved) return transitions.find((t) => t.to.statusCategory?.key === "done");
  return transitions.find((t) => t.to.statusCategory?.key === "new") ?? transitions.find((t) => t.to.statusCategory?.key === "indeterminate");
}
