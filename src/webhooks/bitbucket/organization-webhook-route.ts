import { createHash } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { App } from "../../app.js";
import { isoNow } from "../../platform/clock.js";
import { HANDLED_BITBUCKET_EVENTS } from "../../providers/bitbucket/webhook.js";
import { recordDelivery } from "../../store/webhook-deliveries.js";
import { headerOf, refuseWebhook, registerRawBodyRoute } from "../raw-body-route.js";
import { enqueueDelivery } from "../webhook-queue.js";
import { verifyOrganizationDelivery } from "./verify-organization-delivery.js";

/**
 * `POST /extensions/bitbucket/organizations/{org_id}/webhook/`: an unknown organization or a missing
 * `X-Event-Key` is a 400 (as Sentry); a delivery that cannot be verified (see verify-organization-delivery)
 * is a 401 and nothing is recorded; a verified event we act on is recorded durably (deduplicated by
 * `X-Request-UUID`) before the 204; other events are acknowledged 204.
 */
export async function registerBitbucketOrganizationWebhookRoute(server: FastifyInstance, app: App): Promise<void> {
  await registerRawBodyRoute(server, "/extensions/bitbucket/organizations/:org_id/webhook/", async (request, reply, body) => {
    const orgParam = String((request.params as { org_id?: unknown }).org_id ?? "");
    const organization = /^\d{1,16}$/.test(orgParam)
      ? await app.store.db.selectFrom("organizations").select("id").where("id", "=", Number(orgParam)).where("status", "=", "active").executeTakeFirst()
      : undefined;
    if (!organization) return refuseWebhook(reply, 400, "webhook_organization_unknown", "No such organization");
    const event = headerOf(request, "x-event-key");
    if (!event || event.length > 100) return refuseWebhook(reply, 400, "webhook_event_missing", "Missing X-Event-Key header");
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString("utf8"));
    } catch {
      return refuseWebhook(reply, 400, "webhook_body_not_json", "Body is not valid JSON");
    }
    const verdict = await verifyOrganizationDelivery(app, organization.id, payload, body, headerOf(request, "x-hub-signature"));
    if (!verdict.ok) return refuseWebhook(reply, verdict.status, verdict.code, verdict.message);
    if (!HANDLED_BITBUCKET_EVENTS.has(event)) return reply.status(204).send();
    const requestUuid = headerOf(request, "x-request-uuid");
    const deliveryId = requestUuid && requestUuid.length <= 100 ? requestUuid : `sha256:${createHash("sha256").update(body).digest("hex")}`;
    const rowId = await recordDelivery(app.store.db, {
      provider: "bitbucket",
      // One hook per organization: the same Bitbucket request may legitimately reach two organizations.
      deliveryId: `${organization.id}:${deliveryId}`,
      event,
      verifiedBy: verdict.verifiedBy,
      headers: { "x-event-key": event, "x-integration-id": String(verdict.integrationId), "x-organization-id": String(organization.id), "user-agent": headerOf(request, "user-agent") ?? "" },
      body: body.toString("utf8"),
      receivedAt: isoNow(app.clock),
    });
    if (rowId !== undefined) await enqueueDelivery(app, rowId);
    return reply.status(204).send();
  });
}
