import type { FastifyInstance } from "fastify";
import type { App } from "../../app.js";
import { registerAzureInstallRoutes } from "./azure-install-routes.js";
import { registerJiraServerInstallRoutes } from "./jira-server-install-routes.js";
import { registerBitbucketInstallRoutes } from "./bitbucket-install-routes.js";
import { registerIntegrationRoutes } from "../routes/integration-routes.js";
import { registerGithubInstallRoutes } from "./github-install-routes.js";
import { registerStartInstallRoutes } from "./start-install-routes.js";

/** Every install-flow route: the API that starts a flow, each provider's setup pages, and the installed integrations' health and uninstall. */
export async function registerInstallRoutes(server: FastifyInstance, app: App): Promise<void> {
  registerStartInstallRoutes(server, app);
  registerIntegrationRoutes(server, app);
  await registerGithubInstallRoutes(server, app);
  await registerAzureInstallRoutes(server, app);
  await registerJiraServerInstallRoutes(server, app);
  await registerBitbucketInstallRoutes(server, app);
}
