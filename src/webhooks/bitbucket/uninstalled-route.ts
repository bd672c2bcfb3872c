import type { FastifyInstance } from "fastify";
import type { App } from "../../app.js";
import { isoNow } from "../../platform/clock.js";
import { disableIntegration } from "../../store/integrations.js";
import { refuseWebhook, registerRawBodyRoute } from "../raw-body-route.js";
import { verifyLifecycleRequest } from "./lifecycle-request.js";

/**
 * `POST /extensions/bitbucket/uninstalled/`: verified like `installed` (an install-key RS256 JWT, or HS256
 * with the stored shared secret), then the integration and its organization installations are disabled,
 * rows kept so that links, commits and history stay readable. 200 even when the clientKey is unknown.
 */
export async function registerBitbucketUninstalledRoute(server: FastifyInstance, app: App): Promise<void> {
  await registerRawBodyRoute(server, "/extensions/bitbucket/uninstalled/", async (request, reply, raw) => {
    const verified = await verifyLifecycleRequest(app, request, raw);
    if (!verified.ok) {
      app.logger.info({ code: verified.code }, "bitbucket uninstall refused");
      return refuseWebhook(reply, verified.status, verified.code, verified.message);
    }
    const found = await disableIntegration(app.store.db, "bitbucket", verified.clientKey, isoNow(app.clock));
    app.logger.info({ clientKey: verified.clientKey, found }, "bitbucket uninstalled");
    return reply.status(200).send();
  });
}
