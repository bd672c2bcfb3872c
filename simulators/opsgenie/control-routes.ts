import type { SimRequest, SimResponse, SimServer } from "../shared/sim-server.js";
import type { IdentifierType } from "./alerts.js";
import { ControlError, type OpsgenieControl } from "./control.js";
import type { Region } from "./state.js";

type Body = Record<string, unknown>;

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
const region = (value: unknown): Region | undefined => (value === "eu" ? "eu" : value === "us" ? "us" : undefined);

/** Runs a control call; a ControlError (bad input, unknown object) becomes a 400 with its message. */
function handle(fn: (body: Body, req: SimRequest) => unknown): (req: SimRequest) => Promise<SimResponse> {
  return async (req) => {
    const body = req.json && typeof req.json === "object" ? (req.json as Body) : {};
    try {
      const result = await fn(body, req);
      return { status: 200, body: result === undefined ? {} : result };
    } catch (error) {
      if (error instanceof ControlError) return { status: 400, body: { error: error.message } };
      throw error;
    }
  };
}

/** Mirrors the control handle under `/_sim/` for other processes (see README). */
export function registerOpsgenieControlRoutes(server: SimServer, control: OpsgenieControl): void {
  server.control("POST", "teams", handle((b) => control.addTeam({ name: str(b.name) ?? "", region: region(b.region), description: str(b.description) })));
  server.control("POST", "integration-keys", handle((b) => ({
    key: control.addIntegrationKey({
      team: str(b.team),
      type: str(b.type),
      name: str(b.name),
      region: region(b.region),
      configurationAccess: b.configurationAccess === true,
      enabled: b.enabled !== false,
    }),
  })));
  server.control("POST", "account-keys", handle((b) => ({ key: control.addAccountApiKey({ region: region(b.region), configurationAccess: b.configurationAccess !== false }) })));
  server.control("POST", "integration-keys/:key/disable", handle((_b, req) => control.setIntegrationEnabled(req.params.key ?? "", false)));
  server.control("POST", "integration-keys/:key/enable", handle((_b, req) => control.setIntegrationEnabled(req.params.key ?? "", true)));
  server.control("POST", "rate-limit", handle((b) => control.rateLimit(Number(b.count), str(b.pathPrefix))));
  server.control("GET", "alerts", handle((_b, req) => ({ alerts: control.alerts(region(req.url.searchParams.get("region")) ?? "us") })));
  server.control("GET", "alerts/:identifier", handle((_b, req) => {
    const q = req.url.searchParams;
    return control.alert(req.params.identifier ?? "", (q.get("identifierType") ?? "id") as IdentifierType, region(q.get("region")) ?? "us");
  }));
}
