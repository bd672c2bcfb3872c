import { randomUUID } from "node:crypto";
import type { SimRequest, SimResponse, SimServer } from "../shared/sim-server.js";
import { actOnAlert, createAlert, renderAlert, type AlertAction, type IdentifierType } from "./alerts.js";
import { validateCreateAlert } from "./alert-validation.js";
import { jsonBody, ogRoute, REGION_PREFIX, type OgContext } from "./auth.js";
import { ogError, ogResponse, validationError } from "./respond.js";
import type { IntegrationKey, OpsgenieState } from "./state.js";

const IDENTIFIER_TYPES = ["id", "tiny", "alias"];
const ACCEPTED = "Request will be processed";

function identifierType(req: SimRequest, ctx: OgContext): { type: IdentifierType } | { error: SimResponse } {
  const raw = req.url.searchParams.get("identifierType") ?? "id";
  if (!IDENTIFIER_TYPES.includes(raw)) return { error: ogError(422, `Invalid identifier type [${raw}]. Possible values are [id, alias, tiny]`, ctx.startedAt) };
  return { type: raw as IdentifierType };
}

/** Alert actions need an integration's key; an API Key Management key gets 403 40301 (§5.1, §5.3). */
function integrationOf(ctx: OgContext): { key: IntegrationKey } | { error: SimResponse } {
  if (ctx.caller.kind === "integration") return { key: ctx.caller.key };
  return { error: ogError(403, "To perform this action, use an API key from an API integration.", ctx.startedAt, { code: 40301 }) };
}

function optionalText(body: Record<string, unknown>, field: string, max: number, errors: Record<string, string>): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") errors[field] = `${field} should be a string.`;
  else if (value.length > max) errors[field] = `${field} can not be longer than ${max} characters.`;
  else return value;
  return undefined;
}

/** Alerts: create (202, async), list, get, acknowledge and close by id/tiny/alias, request status (§5.2). */
export function registerAlertRoutes(server: SimServer, state: OpsgenieState): void {
  const now = () => server.clock.now();

  // Registered before `/v2/alerts/:identifier` so a request id is never read as an alert id.
  ogRoute(server, state, "GET", "/v2/alerts/requests/:requestId", (req, ctx) => {
    const request = state.requests.get(req.params.requestId ?? "");
    if (!request || request.region !== ctx.region) return ogError(404, "Request does not exist", ctx.startedAt);
    const { requestId: _id, region: _region, ...data } = request;
    return ogResponse(200, { data: { ...data, isSuccess: data.success } }, ctx.startedAt);
  });

  ogRoute(server, state, "POST", "/v2/alerts", (req, ctx) => {
    const parsed = jsonBody(req, ctx.startedAt);
    if ("error" in parsed) return parsed.error;
    const integration = integrationOf(ctx);
    if ("error" in integration) return integration.error;
    const validated = validateCreateAlert(parsed.body);
    if ("errors" in validated) return validationError(validated.errors, ctx.startedAt);
    const requestId = randomUUID();
    createAlert(state, integration.key, validated.input, ctx.region, requestId, now(), "127.0.0.1");
    return ogResponse(202, { result: ACCEPTED }, ctx.startedAt, requestId);
  });

  ogRoute(server, state, "GET", "/v2/alerts", (req, ctx) => {
    const params = req.url.searchParams;
    const limit = Number(params.get("limit") ?? 20);
    const offset = Number(params.get("offset") ?? 0);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) return validationError({ limit: "Limit should be between 1 and 100." }, ctx.startedAt);
    if (!Number.isInteger(offset) || offset < 0) return validationError({ offset: "Offset should not be negative." }, ctx.startedAt);
    let alerts = state.alerts.filter((a) => a.region === ctx.region);
    for (const term of (params.get("query") ?? "").split(/\s+(?:AND\s+)?/i).filter(Boolean)) {
      const m = /^(status|alias|tag|priority|acknowledged)[:=](.+)$/i.exec(term);
      if (!m) return validationError({ query: `Query [${term}] is not supported.` }, ctx.startedAt);
      const [field, value] = [(m[1] as string).toLowerCase(), m[2] as string];
      alerts = alerts.filter((a) =>
        field === "status" ? a.status === value : field === "alias" ? a.alias === value : field === "tag" ? a.tags.includes(value) : field === "priority" ? a.priority === value : String(a.acknowledged) === value,
      );
    }
    const order = params.get("order") === "asc" ? 1 : -1;
    alerts = [...alerts].sort((a, b) => order * (Date.parse(a.createdAt) - Date.parse(b.createdAt) || Number(a.tinyId) - Number(b.tinyId)));
    const page = alerts.slice(offset, offset + limit);
    const base = `${REGION_PREFIX[ctx.region]}/v2/alerts`;
    const paging: Record<string, string> = { first: `${base}?limit=${limit}&offset=0` };
    if (offset + limit < alerts.length) paging.next = `${base}?limit=${limit}&offset=${offset + limit}`;
    paging.last = `${base}?limit=${limit}&offset=${Math.max(0, Math.floor((alerts.length - 1) / limit) * limit)}`;
    return ogResponse(200, { data: page.map((a) => renderAlert(a, true)), paging }, ctx.startedAt);
  });

  ogRoute(server, state, "GET", "/v2/alerts/:identifier", (req, ctx) => {
    const type = identifierType(req, ctx);
    if ("error" in type) return type.error;
    const alert = state.findAlert(req.params.identifier ?? "", type.type, ctx.region);
    if (!alert) return ogError(404, "Alert does not exist", ctx.startedAt);
    return ogResponse(200, { data: renderAlert(alert) }, ctx.startedAt);
  });

  for (const action of ["acknowledge", "close"] as AlertAction[]) {
    ogRoute(server, state, "POST", `/v2/alerts/:identifier/${action}`, (req, ctx) => {
      const type = identifierType(req, ctx);
      if ("error" in type) return type.error;
      const parsed = jsonBody(req, ctx.startedAt, true);
      if ("error" in parsed) return parsed.error;
      const integration = integrationOf(ctx);
      if ("error" in integration) return integration.error;
      const errors: Record<string, string> = {};
      const body = { user: optionalText(parsed.body, "user", 100, errors), note: optionalText(parsed.body, "note", 25_000, errors) };
      optionalText(parsed.body, "source", 100, errors);
      if (Object.keys(errors).length) return validationError(errors, ctx.startedAt);
      const requestId = randomUUID();
      actOnAlert(state, integration.key, action, req.params.identifier ?? "", type.type, body, ctx.region, requestId, now());
      return ogResponse(202, { result: ACCEPTED }, ctx.startedAt, requestId);
    });
  }
}
