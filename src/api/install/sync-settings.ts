import { z } from "zod";
import { text } from "../schemas/text.js";

const stateName = text().min(1).max(100);

/** Per-project (or `*` for every project) states an issue moves to when the group is resolved / unresolved. */
const statusMapping = z.record(text().min(1).max(200), z.object({ on_resolve: stateName, on_unresolve: stateName }).strict());

/**
 * The installation's sync settings (Sentry's org-integration config keys, §5.1) as `PUT` accepts them:
 * switches are booleans, the status mapping names states per project. Keys not listed are refused, so a
 * typo is a 400 instead of a setting that silently does nothing; keys kept by other features pass through.
 */
export const syncSettingsSchema = z
  .object({
    sync_forward_assignment: z.boolean().optional().describe("Assign the external issue when the group is assigned"),
    sync_reverse_assignment: z.boolean().optional().describe("Assign the group when the external issue is assigned"),
    sync_status_forward: z.boolean().optional().describe("Move the external issue when the group is resolved / unresolved"),
    sync_status_reverse: z.boolean().optional().describe("Resolve / unresolve the group when the external issue moves"),
    status_mapping: statusMapping.optional().describe("Per project name (or *): {on_resolve, on_unresolve} state names"),
    resolve_status: stateName.optional().describe("Default state on resolve when a project has no mapping"),
    unresolve_status: stateName.optional().describe("Default state on unresolve when a project has no mapping"),
  })
  .strict();

export type SyncSettings = z.infer<typeof syncSettingsSchema>;

/** The settings shown for an installation: the known keys, with the switches defaulting to off as Sentry's `config.get(key, False)`. */
export function visibleSyncSettings(config: Record<string, unknown>): Record<string, unknown> {
  const switches = ["sync_forward_assignment", "sync_reverse_assignment", "sync_status_forward", "sync_status_reverse"];
  const shown: Record<string, unknown> = {};
  for (const key of switches) shown[key] = config[key] === true;
  for (const key of ["status_mapping", "resolve_status", "unresolve_status"]) if (config[key] !== undefined) shown[key] = config[key];
  return shown;
}
