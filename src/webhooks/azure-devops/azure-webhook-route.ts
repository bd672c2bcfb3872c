import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { App } from "../../app.js";
import { isoNow } from "../../platform/clock.js";
import { recordDelivery } from "../../store/webhook-deliveries.js";
import { WEBHOOK_BODY_LIMIT } from "../github/github-webhook-route.js";
import { noteRejection } from "../note-rejection.js";
import { queueRecordedDelivery } from "../webhook-queue.js";

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

function refuse(reply: FastifyReply, status: number, code: string, detail: string) {
  return reply.status(status).header("x-error-code", code).send({ detail, code });
}

/** Constant-time comparison that does not leak the secret's length through an early return. */
function sameSecret(received: string, stored: string): boolean {
  const a = createHash("sha256").update(received).digest();
  const b = createHash("sha256").update(stored).digest();
  return timingSafeEqual(a, b);
}

interface ServiceHookBody {
  id?: unknown;
  notificationId?: unknown;
  subscriptionId?: unknown;
  eventType?: unknown;
  resourceContainers?: { collection?: { id?: unknown } };
}

/** Azure's notification id; a stable hash of the body when a delivery carries none. */
function deliveryIdOf(data: ServiceHookBody, body: Buffer): string {
  if (typeof data.id === "string" && data.id.length > 0 && data.id.length <= 200) return data.id;
  if (typeof data.subscriptionId === "string" && typeof data.notificationId === "number") return `${data.subscriptionId}:${data.notificationId}`.slice(0, 200);
  return `sha256:${createHash("sha256").update(body).digest("hex")}`;
}

/**
 * `POST /extensions/vsts/issue-updated/` (§4.1 with D8): 400 without eventType or collection, 200 no-op
 * for other event types, 400 for an unknown integration, 401 unless `Shared-Secret` equals the
 * subscription's secret, then the delivery is recorded durably before the 200.
 */
export async function registerAzureWebhookRoute(server: FastifyInstance, app: App): Promise<void> {
  await server.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) => done(null, body));
    scope.route({
      method: ["POST", "GET", "PUT", "PATCH", "DELETE"],
      url: "/extensions/vsts/issue-updated/",
      bodyLimit: WEBHOOK_BODY_LIMIT,
      handler: async (request, reply) => {
        if (request.method !== "POST") return reply.status(405).header("allow", "POST").send({ detail: `Method "${request.method}" not allowed.`, code: "method_not_allowed" });
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        let data: ServiceHookBody;
        try {
          data = JSON.parse(body.toString("utf8")) as ServiceHookBody;
        } catch {
          return refuse(reply, 400, "webhook_body_not_json", "Body is not valid JSON");
        }
        if (!data || typeof data !== "object" || Array.isArray(data)) return refuse(reply, 400, "webhook_body_not_object", "Body is not a JSON object");
        const eventType = data.eventType;
        const collection = data.resourceContainers?.collection?.id;
        if (typeof eventType !== "string" || (typeof collection !== "string" && typeof collection !== "number")) {
          return refuse(reply, 400, "webhook_fields_missing", "Missing eventType or resourceContainers.collection.id");
        }
        if (eventType !== "workitem.updated") return reply.status(200).send();
        const integration = await app.store.db
          .selectFrom("integrations")
          .select(["id", "metadata"])
          .where("provider", "=", "vsts")
          .where("external_id", "=", String(collection))
          .where("status", "=", "active")
          .executeTakeFirst();
        if (!integration) return reply.status(400).send({ detail: "Integration does not exist." });
        const received = header(request, "shared-secret");
        const stored = storedSecret(app, integration.metadata);
        if (!received || !stored || !sameSecret(received, stored)) {
          noteRejection(app, request, { provider: "vsts", reason: "webhook_secret_mismatch", secretTried: stored ? "subscription" : "none", integrationId: integration.id });
          return refuse(reply, 401, "webhook_secret_mismatch", "Missing or wrong Shared-Secret header");
        }
        const deliveryId = deliveryIdOf(data, body);
        const rowId = await recordDelivery(app.store.db, {
          provider: "vsts",
          deliveryId,
          event: eventType,
          verifiedBy: "current",
          headers: { "x-integration-id": String(integration.id), "user-agent": header(request, "user-agent") ?? "" },
          body: body.toString("utf8"),
          receivedAt: isoNow(app.clock),
          integrationId: integration.id,
        });
        if (rowId !== undefined) await queueRecordedDelivery(app, rowId);
        return reply.status(200).send();
      },
    });
  });
}

/** The subscription secret from the integration's metadata, opened from the vault (a plain value is tolerated for rows written before sealing). */
function storedSecret(app: App, metadata: string): string | null {
  try {
    const secret = (JSON.parse(metadata) as { subscription?: { secret?: unknown } }).subscription?.secret;
    if (typeof secret !== "string" || secret.length === 0) return null;
    return secret.startsWith("sealed:") ? app.vault.open(secret) : secret;
  } catch {
    return null;
  }
}
