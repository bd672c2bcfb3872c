import { randomUUID } from "node:crypto";
import { SimServer } from "../shared/sim-server.js";
import type { StartedSimulator } from "../shared/types.js";
import { createAzureControl, type AzureDevopsControl } from "./control.js";
import { registerAzureControlRoutes } from "./control-routes.js";
import { AzureDeliveries } from "./deliver-webhook.js";
import { registerEntraOAuthRoutes } from "./entra-oauth-routes.js";
import { vssError } from "./errors.js";
import { registerLegacyOAuthRoutes } from "./legacy-oauth-routes.js";
import { registerProfileRoutes } from "./profile-routes.js";
import { registerProjectRoutes } from "./project-routes.js";
import { seedDefaults } from "./seed.js";
import { AzureState, LEGACY_FULL_SCOPES, LEGACY_LIMITED_SCOPES } from "./state.js";
import { registerSubscriptionRoutes } from "./subscription-routes.js";
import { entraClientSecret, legacyClientSecret } from "./token-format.js";
import { registerWorkItemRoutes } from "./work-item-routes.js";

export type { AzureDevopsControl } from "./control.js";

export interface AzureDevopsSimulatorOptions {
  port?: number;
  host?: string;
  /** Where deliveries go instead of each subscription's consumer URL (Switchboard's `/extensions/vsts/issue-updated/`). */
  webhookUrl?: string;
  /** The legacy app's id (a GUID) and client secret (a JWT); generated when absent. */
  appId?: string;
  clientSecret?: string;
  /** The limited-scope legacy app (no `vso.code`), used by Sentry's `vsts-limited` configuration. */
  limitedAppId?: string;
  limitedClientSecret?: string;
  /** The Entra ID app. */
  entraClientId?: string;
  entraClientSecret?: string;
  /** The callback URL registered for the apps; defaults to `<webhookUrl origin or http://localhost:9000>/extensions/vsts/setup/`. */
  redirectUrl?: string;
  entraRedirectUrl?: string;
  /** Seed the default organization, project and user (default true). */
  seed?: boolean;
}

/** Starts an Azure DevOps simulator (provider-contracts §2) on loopback: identity endpoints and REST API on one base URL. */
export async function startAzureDevopsSimulator(options: AzureDevopsSimulatorOptions = {}): Promise<StartedSimulator<AzureDevopsControl>> {
  const processId = randomUUID();
  const server = new SimServer({
    name: "azure-devops",
    port: options.port,
    host: options.host,
    commonHeaders: (clock) => ({
      date: new Date(clock.now()).toUTCString(),
      "x-content-type-options": "nosniff",
      "x-tfs-processid": processId,
      activityid: randomUUID(),
      "x-vss-e2eid": randomUUID(),
    }),
    // ASP.NET's answer for a path no controller serves.
    notFound: (req) => vssError(404, `The controller for path '${req.path}' was not found or does not implement IController.`, "HttpException"),
  });
  const now = server.clock.nowSeconds();
  const origin = options.webhookUrl ? new URL(options.webhookUrl).origin : "http://localhost:9000";
  const redirectUrl = options.redirectUrl ?? `${origin}/extensions/vsts/setup/`;
  const fullAppId = (options.appId ?? randomUUID()).toLowerCase();
  const limitedAppId = (options.limitedAppId ?? randomUUID()).toLowerCase();
  const state = new AzureState(
    server.clock,
    {
      full: { kind: "full", appId: fullAppId, clientSecret: options.clientSecret ?? legacyClientSecret(fullAppId, now), redirectUrl, scopes: LEGACY_FULL_SCOPES, secretVersion: 1 },
      limited: { kind: "limited", appId: limitedAppId, clientSecret: options.limitedClientSecret ?? legacyClientSecret(limitedAppId, now), redirectUrl, scopes: LEGACY_LIMITED_SCOPES, secretVersion: 1 },
    },
    { clientId: (options.entraClientId ?? randomUUID()).toLowerCase(), clientSecret: options.entraClientSecret ?? entraClientSecret(), redirectUrl: options.entraRedirectUrl ?? redirectUrl },
  );
  state.webhookUrl = options.webhookUrl;
  const deliveries = new AzureDeliveries(server, state);
  const control = createAzureControl(server, state, deliveries);
  registerAzureControlRoutes(server, control);
  registerLegacyOAuthRoutes(server, state);
  registerProfileRoutes(server, state);
  registerProjectRoutes(server, state);
  registerWorkItemRoutes(server, state, deliveries);
  registerSubscriptionRoutes(server, state);
  registerEntraOAuthRoutes(server, state);
  const seed = options.seed !== false;
  if (seed) seedDefaults(state);
  server.onReset(() => {
    state.clear();
    deliveries.clear();
    if (seed) seedDefaults(state);
  });
  const url = await server.start();
  return {
    provider: "azure-devops",
    url,
    credentials: {
      AZURE_DEVOPS_APP_ID: state.legacyApps.full.appId,
      AZURE_DEVOPS_CLIENT_SECRET: state.legacyApps.full.clientSecret,
      AZURE_DEVOPS_LIMITED_APP_ID: state.legacyApps.limited.appId,
      AZURE_DEVOPS_LIMITED_CLIENT_SECRET: state.legacyApps.limited.clientSecret,
      AZURE_DEVOPS_ENTRA_CLIENT_ID: state.entraApp.clientId,
      AZURE_DEVOPS_ENTRA_CLIENT_SECRET: state.entraApp.clientSecret,
      AZURE_DEVOPS_REDIRECT_URL: state.legacyApps.full.redirectUrl,
      AZURE_DEVOPS_ENTRA_REDIRECT_URL: state.entraApp.redirectUrl,
      // One process plays app.vssps.visualstudio.com, login.microsoftonline.com and dev.azure.com.
      AZURE_DEVOPS_VSSPS_URL: url,
      AZURE_DEVOPS_LOGIN_URL: url,
      AZURE_DEVOPS_API_URL: url,
    },
    control,
    server,
    stop: () => server.stop(),
  };
}
