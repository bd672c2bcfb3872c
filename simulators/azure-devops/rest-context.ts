import type { SimRequest, SimResponse, SimServer } from "../shared/sim-server.js";
import { vssError } from "./errors.js";
import { authenticate, requireMember, type Caller } from "./rest-auth.js";
import type { AzureOrganization, AzureProject, AzureState } from "./state.js";

/** What an organization-scoped route handler gets. */
export interface OrgContext {
  caller: Caller;
  org: AzureOrganization;
}

/** Wraps a `/{organization}/...` handler: authenticates, finds the organization, requires membership. */
export function orgRoute(server: SimServer, state: AzureState, handler: (req: SimRequest, ctx: OrgContext) => SimResponse | Promise<SimResponse>) {
  return async (req: SimRequest): Promise<SimResponse> => {
    const caller = authenticate(req, state, server.url);
    if ("status" in caller) return caller;
    const org = state.organization(req.params.org ?? "");
    if (!org) return vssError(404, `The organization '${req.params.org ?? ""}' could not be found.`, "AccountNotFoundException");
    const refused = requireMember(caller, org);
    if (refused) return refused;
    return handler(req, { caller, org });
  };
}

/** The project named (by id or name) in the route, or Azure's TF200016 404. */
export function projectOf(state: AzureState, org: AzureOrganization, idOrName: string): AzureProject | SimResponse {
  const project = state.project(org, idOrName);
  if (project) return project;
  return vssError(
    404,
    `TF200016: The following project does not exist: ${idOrName}. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server.`,
    "ProjectDoesNotExistWithNameException",
  );
}

/** Whether a value is an error response rather than a result. */
export function isResponse(value: unknown): value is SimResponse {
  return !!value && typeof value === "object" && "status" in value && typeof (value as { status: unknown }).status === "number";
}

/**
 * Registers a PATCH route and its `POST` + `X-HTTP-Method-Override: PATCH` twin (clients behind proxies
 * that drop PATCH send it so, and Azure honours the override).
 */
export function patchRoute(server: SimServer, pattern: string, handler: (req: SimRequest) => SimResponse | Promise<SimResponse>, postHandler?: (req: SimRequest) => SimResponse | Promise<SimResponse>): void {
  server.route("PATCH", pattern, handler);
  server.route("POST", pattern, (req) => {
    if ((req.headers["x-http-method-override"] ?? "").toUpperCase() === "PATCH") return handler({ ...req, method: "PATCH" });
    if (postHandler) return postHandler(req);
    return vssError(405, `The requested resource does not support http method 'POST'.`, "HttpException");
  });
}
