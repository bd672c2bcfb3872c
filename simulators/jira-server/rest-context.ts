import type { SimRequest, SimResponse } from "../shared/sim-server.js";
import { JiraRestError, isJson, jiraError, notAuthenticated, unsupportedMediaType } from "./errors.js";
import { authenticateRest } from "./rest-auth.js";
import type { JiraState, JiraUser } from "./state.js";

type Handler<U> = (req: SimRequest, user: U) => SimResponse | Promise<SimResponse>;

async function run(fn: () => SimResponse | Promise<SimResponse>): Promise<SimResponse> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof JiraRestError) return error.response;
    throw error;
  }
}

/** A REST resource that needs a user: OAuth-signed with an access token (§3.1), anonymous callers get 401. */
export function userRoute(state: JiraState, handler: Handler<JiraUser>): (req: SimRequest) => Promise<SimResponse> {
  return (req) =>
    run(() => {
      const caller = authenticateRest(req, state);
      if ("status" in caller) return caller;
      if (!caller.user) return notAuthenticated();
      return handler(req, caller.user);
    });
}

/** A REST resource anonymous callers may read too (a signed request is still checked). */
export function publicRoute(state: JiraState, handler: Handler<JiraUser | undefined>): (req: SimRequest) => Promise<SimResponse> {
  return (req) =>
    run(() => {
      const caller = authenticateRest(req, state);
      if ("status" in caller) return caller;
      return handler(req, caller.user);
    });
}

/** A JSON-consuming resource: other content types get Jersey's 415, unparsable JSON Jira's 400. */
export function jsonBody(req: SimRequest): Record<string, unknown> {
  if (!isJson(req)) throw new JiraRestError(unsupportedMediaType());
  if (req.json === undefined || req.json === null || typeof req.json !== "object" || Array.isArray(req.json)) {
    const text = req.rawBody.toString("utf8");
    const reason = text.trim() === "" ? "No content to map to Object due to end of input" : `Unexpected character ('${text.trim()[0]}'): expected a valid JSON object`;
    throw new JiraRestError(jiraError(400, [reason]));
  }
  return req.json as Record<string, unknown>;
}

/** An integer query parameter with a default (Jira ignores what it cannot parse). */
export function intParam(req: SimRequest, name: string, fallback: number): number {
  const raw = req.url.searchParams.get(name);
  const n = raw === null ? Number.NaN : Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}
