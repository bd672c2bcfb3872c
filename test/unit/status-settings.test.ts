import { describe, expect, it } from "vitest";
import { syncSettingsSchema } from "../../src/api/install/sync-settings.js";
import { statesForProject } from "../../src/providers/azure-devops/status-mapping.js";
import { statusTarget } from "../../src/providers/jira-server/resolve-status.js";

describe("the states a resolved or reopened group moves its tickets to (§5.1)", () => {
  it("uses the default resolve_status / unresolve_status for Jira when the project has no mapping", () => {
    expect(statusTarget({ resolve_status: "Done", unresolve_status: "Reopened" }, "SWB", true)).toEqual({ mapped: "Done", resolved: true });
    expect(statusTarget({ resolve_status: "Done", unresolve_status: "Reopened" }, "SWB", false)).toEqual({ mapped: "Reopened", resolved: false });
  });

  it("prefers a project's own Jira mapping over the defaults, and falls back to Jira's categories without either", () => {
    const config = { resolve_status: "Done", status_mapping: { SWB: { on_resolve: "Closed", on_unresolve: "To Do" } } };
    expect(statusTarget(config, "SWB", true)).toEqual({ mapped: "Closed", resolved: true });
    expect(statusTarget(config, "OPS", true)).toEqual({ mapped: "Done", resolved: true });
    expect(statusTarget({}, "SWB", true)).toEqual({ resolved: true });
  });

  it("uses the defaults for Azure DevOps, and says which settings to fill when neither is there", () => {
    expect(statesForProject({ resolve_status: "Closed", unresolve_status: "Active" }, "Fabrikam")).toEqual({ on_resolve: "Closed", on_unresolve: "Active" });
    expect(statesForProject({ resolve_status: "Closed", unresolve_status: "Active", status_mapping: { Fabrikam: { on_resolve: "Done", on_unresolve: "To Do" } } }, "Fabrikam")).toEqual({
      on_resolve: "Done",
      on_unresolve: "To Do",
    });
    expect(() => statesForProject({}, "Fabrikam")).toThrow(/resolve_status and unresolve_status/);
  });

  it("refuses a setting nothing implements instead of storing it silently", () => {
    expect(syncSettingsSchema.safeParse({ sync_comments: true }).success).toBe(false);
    expect(syncSettingsSchema.safeParse({ sync_status_forward: true, resolve_status: "Done" }).success).toBe(true);
  });
});
