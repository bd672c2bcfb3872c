import type { SimRequest, SimResponse } from "../shared/sim-server.js";
import { vssError } from "./errors.js";
import type { AzureOrganization, AzureState, AzureUser, Grant } from "./state.js";
import { checkAccessToken } from "./tokens.js";

/** The authenticated caller of a REST route. */
export interface Caller {
  user: AzureUser;
  grant: Grant;
}

const ANONYMOUS = "TF400813: Resource not available for anonymous access. Client authentication required.";

/** TF400813 for a known caller who may not use this resource. */
export function notAuthorized(userId: string): string {
  return `TF400813: The user '${userId}' is not authorized to access this resource.`;
}

/** The headers Azure DevOps puts on an authentication challenge. */
function challengeHeaders(state: AzureState, baseUrl: string, message: string): Record<string, string> {
  return {
    "www-authenticate": `Bearer authorization_uri=${baseUrl}/${state.tenantId}, Basic realm="${baseUrl}/", TFS-Federated`,
    "x-tfs-fedauthrealm": `${baseUrl}/`,
    "x-tfs-fedauthissuer": `${baseUrl}/`,
    "x-vss-authorizationendpoint": `${baseUrl}/`,
    "x-vss-resourcetenant": state.tenantId,
    "x-tfs-serviceerror": encodeURIComponent(message),
  };
}

/**
 * Azure's answer to a request it cannot authenticate (§2.2): with `X-TFS-FedAuthRedirect: Suppress`
 * a 401 with the TF400813 error body; without it, GET and POST get a 203 carrying the HTML sign-in
 * page (observed for expired bearer tokens), while PATCH already gets the 401.
 */
export function authenticationFailure(req: SimRequest, state: AzureState, baseUrl: string, message: string): SimResponse {
  const suppressed = (req.headers["x-tfs-fedauthredirect"] ?? "").toLowerCase() === "suppress";
  if (!suppressed && req.method !== "PATCH") {
    return {
      status: 203,
      headers: { "content-type": "text/html; charset=utf-8" },
      body: `<!DOCTYPE html><html><head><title>Azure DevOps Services | Sign In</title></head><body><form id="signinForm" action="${baseUrl}/_signin"><p>Sign in to continue.</p></form></body></html>`,
    };
  }
  return vssError(401, message, "UnauthorizedRequestException", challengeHeaders(state, baseUrl, message));
}

/** The caller behind `Authorization: Bearer <access token>`, or Azure's refusal. */
export function authenticate(req: SimRequest, state: AzureState, baseUrl: string): Caller | SimResponse {
  const header = req.headers.authorization;
  if (!header) return authenticationFailure(req, state, baseUrl, ANONYMOUS);
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  if (!token) return authenticationFailure(req, state, baseUrl, notAuthorized(""));
  const verdict = checkAccessToken(state, token);
  if (!verdict.ok) return authenticationFailure(req, state, baseUrl, notAuthorized(""));
  return { user: verdict.user, grant: verdict.grant };
}

/** Refuses callers who are not members of the organization (TF400813 with their id). */
export function requireMember(caller: Caller, org: AzureOrganization): SimResponse | undefined {
  return org.members.has(caller.user.id) ? undefined : vssError(401, notAuthorized(caller.user.id), "UnauthorizedRequestException");
}

/** Scopes that include another: `_full`/`_manage`/`_write` variants include the read scope. */
const IMPLIED: Record<string, string[]> = {
  "vso.work": ["vso.work_write", "vso.work_full"],
  "vso.work_write": ["vso.work_full"],
  "vso.hooks": ["vso.hooks_write", "vso.hooks_interact"],
  "vso.hooks_write": [],
  "vso.graph": ["vso.graph_manage"],
};

/** Refuses a legacy token whose scopes do not cover any of `needed`; Entra tokens carry the whole resource. */
export function requireScope(caller: Caller, needed: string[]): SimResponse | undefined {
  if (caller.grant.flow === "entra") return undefined;
  const granted = new Set(caller.grant.scopes);
  const ok = needed.some((scope) => granted.has(scope) || (IMPLIED[scope] ?? []).some((s) => granted.has(s)));
  return ok ? undefined : vssError(401, notAuthorized(caller.user.id), "UnauthorizedRequestException");
}

/** A REST route handler that runs only for authenticated callers. */
export function authenticated(state: AzureState, baseUrl: () => string, handler: (req: SimRequest, caller: Caller) => SimResponse | Promise<SimResponse>) {
  return async (req: SimRequest): Promise<SimResponse> => {
    const caller = authenticate(req, state, baseUrl());
    if ("status" in caller) return caller;
    return handler(req, caller);
  };
}
