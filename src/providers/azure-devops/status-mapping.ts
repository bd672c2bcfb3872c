import { AppError } from "../../domain/errors.js";

/** The states a project maps resolve / unresolve to (Sentry's per-project `on_resolve` / `on_unresolve`). */
export interface ProjectStates {
  on_resolve: string;
  on_unresolve: string;
}

/**
 * The states for a work item's project from the org integration config. `sync_status_forward` stays the
 * on/off switch (§5.1); the mapping lives in `status_mapping`, keyed by project name or id, with `*` as
 * the fallback for any project, e.g. `{"Fabrikam-Fiber": {"on_resolve": "Closed", "on_unresolve": "Active"}}`,
 * then the defaults `resolve_status` / `unresolve_status`.
 */
export function statesForProject(config: Record<string, unknown>, projectName: string | undefined, projectId?: string): ProjectStates {
  const mapping = config.status_mapping;
  const entries = mapping && typeof mapping === "object" ? Object.entries(mapping as Record<string, unknown>) : [];
  const wanted = [projectId, projectName].filter((v): v is string => typeof v === "string" && v.length > 0).map((v) => v.toLowerCase());
  const found = entries.find(([k]) => wanted.includes(k.toLowerCase())) ?? entries.find(([k]) => k === "*");
  const mapped = found?.[1] as Partial<ProjectStates> | undefined;
  const states: Partial<ProjectStates> = {
    on_resolve: mapped?.on_resolve ?? (config.resolve_status as string | undefined),
    on_unresolve: mapped?.on_unresolve ?? (config.unresolve_status as string | undefined),
  };
  if (typeof states.on_resolve !== "string" || typeof states.on_unresolve !== "string" || !states.on_resolve || !states.on_unresolve) {
    throw new AppError(
      "validation",
      "azure_status_mapping_missing",
      `No resolve/unresolve states are configured for Azure DevOps project ${projectName ?? projectId ?? "(unknown)"}; set resolve_status and unresolve_status (or status_mapping) in the integration's sync settings`,
    );
  }
  return { on_resolve: states.on_resolve, on_unresolve: states.on_unresolve };
}

/**
 * States of Azure's system processes in the Resolved or Completed category (Agile Resolved/Closed,
 * Scrum and Basic Done, Impediment/Issue Closed). A delivery names states only, and the parser runs
 * without API access, so custom states are not recognised here.
 */
export const DONE_STATES = new Set(["resolved", "closed", "done"]);

/** Whether a state name is a done state of the system processes. */
export function isDoneState(state: unknown): boolean {
  return typeof state === "string" && DONE_STATES.has(state.trim().toLowerCase());
}
