import { randomUUID } from "node:crypto";
import type { SimRequest, SimResponse, SimServer } from "../shared/sim-server.js";
import { apiVersion } from "./api-version.js";
import { vssError } from "./errors.js";
import { authenticated, requireScope, type Caller } from "./rest-auth.js";
import { isResponse, orgRoute } from "./rest-context.js";
import type { AzureState, AzureUser } from "./state.js";
import { orgBaseUrl } from "./work-item-json.js";

const GRAPH_PAGE_SIZE = 100;

/** Registers the account-level APIs of app.vssps.visualstudio.com (profile, connectionData, accounts) and graph users. */
export function registerProfileRoutes(server: SimServer, state: AzureState): void {
  const base = () => server.url;
  const instanceId = randomUUID();
  const deploymentId = randomUUID();

  server.route("GET", "/_apis/profile/profiles/me", authenticated(state, base, (req, caller) => {
    const version = apiVersion(req);
    if (isResponse(version)) return version;
    const u = caller.user;
    return { status: 200, body: { displayName: u.displayName, publicAlias: u.id, emailAddress: u.email, coreRevision: 1, timeStamp: state.iso(), id: u.id, revision: 1 } };
  }));

  const connectionData = (req: SimRequest, caller: Caller, hostId: string): SimResponse => {
    const version = apiVersion(req);
    if (isResponse(version)) return version;
    const identity = connectionIdentity(state, caller.user);
    return {
      status: 200,
      body: {
        authenticatedUser: identity,
        authorizedUser: identity,
        instanceId: hostId,
        deploymentId,
        deploymentType: "hosted",
        locationServiceData: { serviceOwner: "00025394-6065-48ca-87d9-7f5672854ef7", defaultAccessMappingMoniker: "PublicAccessMapping", lastChangeId: 1, lastChangeId64: 1 },
      },
    };
  };
  // Sentry calls it with a trailing slash; both spellings reach the same resource.
  for (const path of ["/_apis/connectionData", "/_apis/connectionData/"]) {
    server.route("GET", path, authenticated(state, base, (req, caller) => connectionData(req, caller, instanceId)));
  }
  server.route("GET", "/:org/_apis/connectionData", orgRoute(server, state, (req, { caller, org }) => connectionData(req, caller, org.collectionId)));

  server.route("GET", "/_apis/accounts", authenticated(state, base, (req) => {
    const version = apiVersion(req);
    if (isResponse(version)) return version;
    const memberId = req.url.searchParams.get("memberId") ?? req.url.searchParams.get("ownerId");
    if (!memberId) return vssError(400, "Either the memberId or the ownerId query parameter must be specified.", "ArgumentException");
    const value = [...state.organizations.values()]
      .filter((org) => org.members.has(memberId.toLowerCase()))
      .map((org) => ({ accountId: org.id, accountUri: orgBaseUrl(base(), org), accountName: org.name, properties: {} }));
    return { status: 200, body: { count: value.length, value } };
  }));

  // Resource-area lookup is anonymous in Azure: clients use it to find an organization's base URL.
  server.route("GET", "/_apis/resourceareas/:area", (req) => {
    const hostId = (req.url.searchParams.get("hostId") ?? req.url.searchParams.get("accountName") ?? "").toLowerCase();
    const org = [...state.organizations.values()].find((o) => o.id === hostId || o.collectionId === hostId || o.name.toLowerCase() === hostId);
    if (!org) return vssError(404, `No organization was found for host '${hostId}'.`, "AccountNotFoundException");
    return { status: 200, body: { id: (req.params.area ?? "").toLowerCase(), name: "core", locationUrl: orgBaseUrl(base(), org) } };
  });

  server.route("GET", "/:org/_apis/graph/users", orgRoute(server, state, (req, { caller, org }) => {
    const version = apiVersion(req, { previewOnly: true });
    if (isResponse(version)) return version;
    const refused = requireScope(caller, ["vso.graph"]);
    if (refused) return refused;
    const members = [...org.members].map((id) => state.users.get(id)).filter((u): u is AzureUser => !!u);
    const start = Number(req.url.searchParams.get("continuationToken") ?? 0) || 0;
    const page = members.slice(start, start + GRAPH_PAGE_SIZE);
    const headers: Record<string, string> = {};
    if (start + GRAPH_PAGE_SIZE < members.length) headers["x-ms-continuationtoken"] = String(start + GRAPH_PAGE_SIZE);
    const graphBase = `${orgBaseUrl(base(), org)}_apis/graph`;
    const value = page.map((u) => ({
      subjectKind: "user",
      metaType: "member",
      domain: state.tenantId,
      principalName: u.email,
      mailAddress: u.email,
      origin: "aad",
      originId: u.id,
      displayName: u.displayName,
      _links: { self: { href: `${graphBase}/users/${u.descriptor}` }, memberships: { href: `${graphBase}/memberships/${u.descriptor}` } },
      url: `${graphBase}/users/${u.descriptor}`,
      descriptor: u.descriptor,
    }));
    return { status: 200, headers, body: { count: value.length, value } };
  }));
}

/** The identity connectionData reports; `subjectDescriptor` is what Sentry keeps as the user's id. */
function connectionIdentity(state: AzureState, user: AzureUser): Record<string, unknown> {
  return {
    id: user.id,
    descriptor: `Microsoft.IdentityModel.Claims.ClaimsIdentity;${state.tenantId}\\${user.email}`,
    subjectDescriptor: user.descriptor,
    providerDisplayName: user.displayName,
    isActive: true,
    properties: { Account: { $type: "System.String", $value: user.email } },
    resourceVersion: 2,
    metaTypeId: 0,
  };
}
