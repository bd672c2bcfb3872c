import type { AzureDevopsControl } from "../../../simulators/azure-devops/index.js";
import type { StartedSimulator } from "../../../simulators/shared/types.js";
import type { App } from "../../../src/app.js";
import type { AzureAuthFlow } from "../../../src/providers/azure-devops/auth.js";
import { azureClientFor } from "../../../src/providers/azure-devops/integration-client.js";
import { writeCredential } from "../../../src/store/identities.js";

/** Switchboard's Azure settings pointed at a simulator (the names it prints). */
export function azureEnv(sim: StartedSimulator<AzureDevopsControl>): Record<string, string> {
  const c = sim.credentials as Record<string, string>;
  const names = [
    "AZURE_DEVOPS_APP_ID",
    "AZURE_DEVOPS_CLIENT_SECRET",
    "AZURE_DEVOPS_LIMITED_APP_ID",
    "AZURE_DEVOPS_LIMITED_CLIENT_SECRET",
    "AZURE_DEVOPS_ENTRA_CLIENT_ID",
    "AZURE_DEVOPS_ENTRA_CLIENT_SECRET",
    "AZURE_DEVOPS_REDIRECT_URL",
    "AZURE_DEVOPS_VSSPS_URL",
    "AZURE_DEVOPS_LOGIN_URL",
  ];
  return Object.fromEntries(names.map((n) => [n, c[n] as string]));
}

let nextIdentity = 1;

export interface SeededIdentity {
  externalId: string;
  accessToken: string;
  refreshToken: string;
  scopes: string[];
}

/**
 * A `vsts` identity as the install flow leaves it: tokens the simulator issued for the flow, sealed in the
 * identities table with their scopes; `expiresAt` null stores a credential without expiry.
 */
export async function seedIdentity(
  app: App,
  sim: StartedSimulator<AzureDevopsControl>,
  options: { flow?: "legacy" | "legacy-limited" | "entra"; email?: string; expiresAt?: number | null; externalId?: string } = {},
): Promise<SeededIdentity> {
  const flow = options.flow ?? "legacy";
  const tokens = sim.control.issueTokens({ flow, email: options.email });
  const scopes =
    flow === "entra"
      ? ["499b84ac-1321-427f-aa17-267ca6975798/.default", "offline_access"]
      : flow === "legacy"
        ? ["vso.code", "vso.graph", "vso.serviceendpoint_manage", "vso.work_write"]
        : ["vso.graph", "vso.serviceendpoint_manage", "vso.work_write"];
  const externalId = options.externalId ?? `azure-user-${process.pid}-${nextIdentity++}`;
  const expiresAt = options.expiresAt === undefined ? Math.floor(Date.now() / 1000) - 10 : options.expiresAt;
  const now = new Date().toISOString();
  await writeCredential(app.store.db, app.vault, { provider: "vsts", externalId }, 0, { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken }, expiresAt, now);
  await app.store.db.updateTable("identities").set({ scopes: JSON.stringify(scopes) }).where("provider", "=", "vsts").where("external_id", "=", externalId).execute();
  return { externalId, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, scopes };
}

/** A client for a seeded identity at the simulator's `fabrikam` organization. */
export function clientFor(app: App, sim: StartedSimulator<AzureDevopsControl>, identity: SeededIdentity, flow: AzureAuthFlow = "legacy") {
  return azureClientFor(app, { instanceUrl: `${sim.url}/fabrikam/`, flow, identity: { externalId: identity.externalId, scopes: identity.scopes } });
}

/** Requests the simulator recorded at its token endpoints. */
export function tokenRequests(sim: StartedSimulator<AzureDevopsControl>) {
  return sim.server.requests.filter((r) => r.method === "POST" && (r.path === "/oauth2/token" || r.path.endsWith("/oauth2/v2.0/token")));
}

/** Requests the simulator recorded on the REST API (not the token endpoints, not its control routes). */
export function restRequests(sim: StartedSimulator<AzureDevopsControl>) {
  return sim.server.requests.filter((r) => r.path.includes("/_apis/"));
}
