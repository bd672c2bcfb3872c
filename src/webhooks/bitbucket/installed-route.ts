import type { FastifyInstance } from "fastify";
import type { App } from "../../app.js";
import { isoNow } from "../../platform/clock.js";
import { parseInstalledBody } from "../../providers/bitbucket/install.js";
import { findIntegrationByExternalId, upsertIntegration } from "../../store/integrations.js";
import { refuseWebhook, registerRawBodyRoute } from "../raw-body-route.js";
import { verifyLifecycleRequest } from "./lifecycle-request.js";

/**
 * `POST /extensions/bitbucket/installed/` (§8.1 with D11): a verified install creates or updates the
 * integration of its clientKey, the shared secret sealed; a re-install replaces the secret. Unverified:
 * 401 and nothing written. Success: 200, empty (Bitbucket keeps the installation only on a 2xx).
 */
export async function registerBitbucketInstalledRoute(server: FastifyInstance, app: App): Promise<void> {
  await registerRawBodyRoute(server, "/extensions/bitbucket/installed/", async (request, reply, raw) => {
    const verified = await verifyLifecycleRequest(app, request, raw);
    if (!verified.ok) {
      app.logger.info({ code: verified.code }, "bitbucket install refused");
      return refuseWebhook(reply, verified.status, verified.code, verified.message);
    }
    const parsed = parseInstalledBody(verified.body);
    if (!parsed.ok) return refuseWebhook(reply, 400, "lifecycle_body_invalid", parsed.message);
    if (!parsed.install) return refuseWebhook(reply, 400, "lifecycle_body_invalid", "The install body is incomplete");
    const { integration, sharedSecret } = parsed.install;
    const now = isoNow(app.clock);
    await app.store.db.transaction().execute(async (tx) => {
      const existing = await findIntegrationByExternalId(tx, "bitbucket", integration.externalId);
      // Keys set later (a hook's webhook secret) survive a re-install; what Bitbucket sent wins.
      const previous = existing ? (JSON.parse(existing.metadata) as Record<string, unknown>) : {};
      await upsertIntegration(tx, { ...integration, metadata: { ...previous, ...integration.metadata, shared_secret: app.vault.seal(sharedSecret) } }, now);
    });
    app.logger.info({ clientKey: integration.externalId, name: integration.name }, "bitbucket installed");
    return reply.status(200).send();
  });
}
