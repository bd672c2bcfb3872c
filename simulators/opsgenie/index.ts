import { SimServer } from "../shared/sim-server.js";
import type { StartedSimulator } from "../shared/types.js";
import { registerAlertRoutes } from "./alert-routes.js";
import { registerConfigRoutes } from "./config-routes.js";
import { createOpsgenieControl, type OpsgenieControl } from "./control.js";
import { registerOpsgenieControlRoutes } from "./control-routes.js";
import { ogError } from "./respond.js";
import { OpsgenieState, type Region } from "./state.js";

export type { OpsgenieControl } from "./control.js";
export type { Region } from "./state.js";

export interface OpsgenieSimulatorOptions {
  port?: number;
  host?: string;
  /** Unused (Opsgenie is called, it does not call back); accepted for a uniform start signature. */
  webhookUrl?: string;
  /** Which region's seeded team and key `credentials` list first as OPSGENIE_API_URL / _TEAM / _INTEGRATION_KEY (default us). */
  region?: Region;
  /** Seed team "Backend" (US) and "Platform" (EU), each with a Sentry integration key (default true; a reset re-seeds). */
  seed?: boolean;
}

interface Seeded {
  team: { id: string; name: string };
  key: string;
}

/** Starts an Opsgenie simulator (provider-contracts §5): the US API at the root, the EU API under `/eu`. */
export async function startOpsgenieSimulator(options: OpsgenieSimulatorOptions = {}): Promise<StartedSimulator<OpsgenieControl>> {
  const server = new SimServer({
    name: "opsgenie",
    port: options.port,
    host: options.host,
    commonHeaders: (clock) => ({ date: new Date(clock.now()).toUTCString() }),
    notFound: () => ogError(404, "Could not find the requested resource", Date.now()),
  });
  const state = new OpsgenieState();
  const control = createOpsgenieControl(server, state);
  registerOpsgenieControlRoutes(server, control);
  registerAlertRoutes(server, state);
  registerConfigRoutes(server, state, () => server.url);
  const seeded: Partial<Record<Region, Seeded>> = {};
  const seedAll = () => {
    for (const [region, name] of [["us", "Backend"], ["eu", "Platform"]] as const) {
      const team = control.addTeam({ name, region });
      const key = control.addIntegrationKey({ team: team.id, type: "Sentry", name: `${name}_Sentry`, configurationAccess: true });
      seeded[region] = { team, key };
    }
  };
  const seed = options.seed !== false;
  if (seed) seedAll();
  server.onReset(() => {
    state.clear();
    if (seed) seedAll();
  });
  const url = await server.start();
  const primary = options.region ?? "us";
  const other: Region = primary === "us" ? "eu" : "us";
  const base = (region: Region) => `${url}${region === "eu" ? "/eu" : ""}/`;
  const credentials: Record<string, string> = {};
  // Live values: a reset re-seeds new keys.
  const define = (name: string, get: () => string) => Object.defineProperty(credentials, name, { enumerable: true, get });
  define("OPSGENIE_REGION", () => primary);
  define("OPSGENIE_API_URL", () => base(primary));
  define("OPSGENIE_TEAM", () => seeded[primary]?.team.name ?? "(none seeded)");
  define("OPSGENIE_TEAM_ID", () => seeded[primary]?.team.id ?? "(none seeded)");
  define("OPSGENIE_INTEGRATION_KEY", () => seeded[primary]?.key ?? "(none seeded: POST /_sim/integration-keys)");
  define(`OPSGENIE_${other.toUpperCase()}_API_URL`, () => base(other));
  define(`OPSGENIE_${other.toUpperCase()}_TEAM`, () => seeded[other]?.team.name ?? "(none seeded)");
  define(`OPSGENIE_${other.toUpperCase()}_INTEGRATION_KEY`, () => seeded[other]?.key ?? "(none seeded)");
  return { provider: "opsgenie", url, credentials, control, server, stop: () => server.stop() };
}
