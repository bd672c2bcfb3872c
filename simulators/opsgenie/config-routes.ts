import type { SimServer } from "../shared/sim-server.js";
import { hasConfigurationAccess, jsonBody, ogRoute, type OgContext } from "./auth.js";
import { ogError, ogResponse, validationError } from "./respond.js";
import type { OpsgenieState } from "./state.js";

const NO_CONFIGURATION_ACCESS = "To perform this action, use an API key with configuration access.";

function configurationRefusal(ctx: OgContext) {
  return ogError(403, NO_CONFIGURATION_ACCESS, ctx.startedAt, { code: 40301 });
}

/** The configuration API: `POST /v2/integrations/authenticate` (§5.4) and `GET /v2/teams/{identifier}`. */
export function registerConfigRoutes(server: SimServer, state: OpsgenieState, webUrl: () => string): void {
  ogRoute(server, state, "POST", "/v2/integrations/authenticate", (req, ctx) => {
    const parsed = jsonBody(req, ctx.startedAt);
    if ("error" in parsed) return parsed.error;
    const type = parsed.body.type;
    if (typeof type !== "string" || !type.trim()) return validationError({ type: "Type can not be empty." }, ctx.startedAt);
    if (ctx.caller.kind !== "integration") return ogError(403, "To perform this action, use an API key from an API integration.", ctx.startedAt, { code: 40301 });
    if (ctx.caller.key.type.toLowerCase() !== type.toLowerCase()) return ogError(422, `Integration type [${type}] is not valid for this key`, ctx.startedAt);
    if (!hasConfigurationAccess(ctx.caller)) return configurationRefusal(ctx);
    return ogResponse(200, { result: `Integration [${type}] is valid` }, ctx.startedAt);
  });

  ogRoute(server, state, "GET", "/v2/teams/:identifier", (req, ctx) => {
    const identifierType = req.url.searchParams.get("identifierType") ?? "id";
    if (identifierType !== "id" && identifierType !== "name") return ogError(422, `Invalid identifier type [${identifierType}]. Possible values are [id, name]`, ctx.startedAt);
    if (!hasConfigurationAccess(ctx.caller)) return configurationRefusal(ctx);
    const identifier = req.params.identifier ?? "";
    const team = identifierType === "id" ? state.teams.get(identifier) : state.teamByName(identifier, ctx.region);
    if (!team || team.region !== ctx.region) return ogError(404, `No team exists with ${identifierType} [${identifier}]`, ctx.startedAt);
    return ogResponse(200, {
      data: {
        id: team.id,
        name: team.name,
        description: team.description,
        members: [],
        links: { web: `${webUrl()}/teams/dashboard/${team.id}/main`, api: `${webUrl()}/v2/teams/${team.id}` },
      },
    }, ctx.startedAt);
  });
}
