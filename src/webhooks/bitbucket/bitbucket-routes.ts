import type { FastifyInstance } from "fastify";
import type { App } from "../../app.js";
import { registerBitbucketDescriptorRoute } from "./descriptor-route.js";
import { registerBitbucketInstalledRoute } from "./installed-route.js";
import { registerBitbucketOrganizationWebhookRoute } from "./organization-webhook-route.js";
import { registerBitbucketUninstalledRoute } from "./uninstalled-route.js";

/** Every route Bitbucket calls: the descriptor, the Connect lifecycle callbacks and the organization webhook. */
export async function registerBitbucketRoutes(server: FastifyInstance, app: App): Promise<void> {
  registerBitbucketDescriptorRoute(server, app);
  await registerBitbucketInstalledRoute(server, app);
  await registerBitbucketUninstalledRoute(server, app);
  await registerBitbucketOrganizationWebhookRoute(server, app);
}
