import type { SimRequest, SimResponse, SimServer } from "../shared/sim-server.js";
import { ogError } from "./respond.js";
import type { AccountKey, IntegrationKey, OpsgenieState, Region } from "./state.js";

export type Caller = { kind: "integration"; key: IntegrationKey } | { kind: "account"; key: AccountKey };

/** What a handler gets: the authenticated caller, the region its base URL names, when the request began. */
export interface OgContext {
  caller: Caller;
  region: Region;
  startedAt: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The region's path prefix: US at the root, EU under `/eu` (standing in for api.eu.opsgenie.com). */
export const REGION_PREFIX: Record<Region, string> = { us: "", eu: "/eu" };

/** Reads `Authorization: GenieKey <key>` (§5.1): 422 for a malformed key, 401 for an unknown, disabled or other-region one. */
export function authenticate(req: SimRequest, state: OpsgenieState, region: Region, startedAt: number): { caller: Caller } | { error: SimResponse } {
  const match = /^GenieKey\s+(\S+)\s*$/.exec(req.headers.authorization ?? "");
  if (!match) return { error: ogError(401, "Could not authenticate", startedAt) };
  const key = match[1] as string;
  if (!UUID.test(key)) return { error: ogError(422, "Key format is not valid!", startedAt) };
  const integration = state.integrationKeys.get(key.toLowerCase());
  // A key belongs to one account, and an account to one region: an EU key means nothing to the US API.
  if (integration && integration.region === region && integration.enabled) return { caller: { kind: "integration", key: integration } };
  const account = state.accountKeys.get(key.toLowerCase());
  if (account && account.region === region) return { caller: { kind: "account", key: account } };
  return { error: ogError(401, "Could not authenticate", startedAt) };
}

/** Whether the caller may use the configuration API (teams, integration authenticate). */
export function hasConfigurationAccess(caller: Caller): boolean {
  return caller.key.configurationAccess;
}

/** Registers an authenticated route on both the US and the EU base. */
export function ogRoute(server: SimServer, state: OpsgenieState, method: string, path: string, handler: (req: SimRequest, ctx: OgContext) => SimResponse | Promise<SimResponse>): void {
  for (const region of ["us", "eu"] as const) {
    server.route(method, `${REGION_PREFIX[region]}${path}`, (req) => {
      const startedAt = Date.now();
      const auth = authenticate(req, state, region, startedAt);
      if ("error" in auth) return auth.error;
      return handler(req, { caller: auth.caller, region, startedAt });
    });
  }
}

/** Reads a JSON object body: 415 unless it is `application/json`, 400 when it does not parse. */
export function jsonBody(req: SimRequest, startedAt: number, optional = false): { body: Record<string, unknown> } | { error: SimResponse } {
  if (req.rawBody.length === 0) {
    if (optional) return { body: {} };
    return { error: ogError(400, "Request body can not be empty", startedAt) };
  }
  if (!/^application\/json\b/i.test(req.headers["content-type"] ?? "")) return { error: ogError(415, "Unsupported Media Type", startedAt) };
  if (!req.json || typeof req.json !== "object" || Array.isArray(req.json)) return { error: ogError(400, "Invalid json format", startedAt) };
  return { body: req.json as Record<string, unknown> };
}
