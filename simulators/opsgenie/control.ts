import { randomUUID } from "node:crypto";
import type { SimServer } from "../shared/sim-server.js";
import { renderAlert, type IdentifierType } from "./alerts.js";
import { rateLimitedResponse } from "./respond.js";
import type { OpsgenieState, Region } from "./state.js";

/** A control call with bad input or naming an unknown object; `/_sim/` answers it with 400. */
export class ControlError extends Error {}

/** What tests and `/_sim/` can do to the Opsgenie simulator. */
export function createOpsgenieControl(server: SimServer, state: OpsgenieState) {
  const teamOf = (ref: string, region: Region | undefined) => {
    const team = state.teams.get(ref) ?? (region ? state.teamByName(ref, region) : state.teamByName(ref, "us") ?? state.teamByName(ref, "eu"));
    if (!team) throw new ControlError(`unknown team ${ref}`);
    return team;
  };
  const control = {
    /** Adds a team to the region's account (US by default). */
    addTeam(input: { name: string; region?: Region; description?: string }) {
      if (!input.name) throw new ControlError("name is required");
      const team = state.addTeam(input.name, input.region ?? "us", input.description);
      return { id: team.id, name: team.name, region: team.region };
    },
    /**
     * Adds an API-based integration and returns its key (a UUID). With a team it is that team's integration
     * (and lives in its region); `configurationAccess` is off by default, as in Opsgenie's integration settings.
     */
    addIntegrationKey(input: { team?: string; type?: string; name?: string; region?: Region; configurationAccess?: boolean; enabled?: boolean } = {}): string {
      const team = input.team ? teamOf(input.team, input.region) : undefined;
      const key = randomUUID();
      const type = input.type ?? "API";
      state.integrationKeys.set(key, {
        key,
        integrationId: randomUUID(),
        name: input.name ?? (team ? `${team.name}_${type}` : type),
        type,
        teamId: team?.id,
        region: team?.region ?? input.region ?? "us",
        enabled: input.enabled ?? true,
        configurationAccess: input.configurationAccess ?? false,
      });
      return key;
    },
    /** A key from API Key Management (not an integration): alert actions refuse it with 403 40301 (§5.1). */
    addAccountApiKey(input: { region?: Region; configurationAccess?: boolean } = {}): string {
      const key = randomUUID();
      state.accountKeys.set(key, { key, region: input.region ?? "us", configurationAccess: input.configurationAccess ?? true });
      return key;
    },
    /** Turns an integration off (its key then gets 401) or back on. */
    setIntegrationEnabled(key: string, enabled: boolean): void {
      const integration = state.integrationKeys.get(key.toLowerCase());
      if (!integration) throw new ControlError(`unknown integration key ${key}`);
      integration.enabled = enabled;
    },
    /** The next `count` API requests (optionally under `pathPrefix`) get Opsgenie's 429 (§5.3). */
    rateLimit(count: number, pathPrefix?: string): void {
      if (!Number.isInteger(count) || count < 1) throw new ControlError("count must be a positive integer");
      const limited = rateLimitedResponse();
      server.faults.add({ count, status: limited.status, body: limited.body, headers: limited.headers, pathPrefix });
    },
    /** The region's alerts as the API shows them, plus their notes. */
    alerts(region: Region = "us"): Array<Record<string, unknown>> {
      return state.alerts.filter((a) => a.region === region).map((a) => ({ ...renderAlert(a), notes: a.notes }));
    },
    alert(identifier: string, type: IdentifierType = "id", region: Region = "us"): Record<string, unknown> {
      const alert = state.findAlert(identifier, type, region);
      if (!alert) throw new ControlError(`no alert ${type} ${identifier}`);
      return { ...renderAlert(alert), notes: alert.notes };
    },
  };
  return control;
}

export type OpsgenieControl = ReturnType<typeof createOpsgenieControl>;
