import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { App } from "../../app.js";
import { isoNow } from "../../platform/clock.js";
import { HANDLED_GITHUB_EVENTS } from "../../providers/github/webhook.js";
import { recordDelivery } from "../../store/webhook-deliveries.js";
import { noteRejection } from "../note-rejection.js";
import { queueRecordedDelivery } from "../webhook-queue.js";
import { claimedInstallationId, installationIdOf, resolveGithubInstallation } from "./resolve-installation.js";
import { verifyGithubSignature } from "./verify-github-signature.js";

/** GitHub allows payloads up to 25 MB (§1.6). */
export const WEBHOOK_BODY_LIMIT = 25 * 1024 * 1024;

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

function refuse(reply: FastifyReply, status: number, code: string, detail: string) {
  return reply.status(status).header("x-error-code", code).send({ detail, code });
}

/**
 * `POST /extensions/github/webhook/` (§3.1 with D7): verify over the raw bytes first, then record
 * the delivery durably (deduplicated by X-GitHub-Delivery) and only then answer 204.
 */
export async function registerGithubWebhookRoute(server: FastifyInstance, app: App): Promise<void> {
  await server.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) => done(null, body));
    scope.route({
      method: ["POST", "GET", "PUT", "PATCH", "DELETE"],
      url: "/extensions/github/webhook/",
      bodyLimit: WEBHOOK_BODY_LIMIT,
      handler: async (request, reply) => {
        if (request.method !== "POST") return reply.status(405).header("allow", "POST").send({ detail: `Method "${request.method}" not allowed.`, code: "method_not_allowed" });
        const secret = app.config.github.webhookSecret;
        if (!secret) return refuse(reply, 401, "webhook_secret_not_configured", "The GitHub webhook secret is not configured (GITHUB_WEBHOOK_SECRET)");
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        if (body.length === 0) return refuse(reply, 400, "webhook_body_empty", "Empty body");
        const event = header(request, "x-github-event");
        if (!event) return refuse(reply, 400, "webhook_event_missing", "Missing X-GitHub-Event header");
        const verdict = verifyGithubSignature(
          body,
          { sha256: header(request, "x-hub-signature-256"), sha1: header(request, "x-hub-signature") },
          { current: secret, previous: previousSecretInWindow(app) },
          app.config.github.requireSha256,
        );
        if (!verdict.ok) {
          noteRejection(app, request, { provider: "github", reason: verdict.code, secretTried: app.config.github.previousWebhookSecret ? "current+previous" : "current", resolveIntegration: () => resolveGithubInstallation(app, claimedInstallationId(body)) });
          return refuse(reply, verdict.status, verdict.code, verdict.message);
        }
        if (!HANDLED_GITHUB_EVENTS.has(event)) return reply.status(204).send();
        const text = body.toString("utf8");
        let payload: unknown;
        try {
          payload = JSON.parse(text);
        } catch {
          return refuse(reply, 400, "webhook_body_not_json", "Body is not valid JSON");
        }
        const deliveryId = header(request, "x-github-delivery");
        if (!deliveryId || deliveryId.length > 200) return refuse(reply, 400, "webhook_delivery_id_missing", "Missing X-GitHub-Delivery header");
        const rowId = await recordDelivery(app.store.db, {
          provider: "github",
          deliveryId,
          event,
          verifiedBy: verdict.verifiedBy,
          headers: { "x-github-event": event, "x-github-delivery": deliveryId, "user-agent": header(request, "user-agent") ?? "" },
          body: text,
          receivedAt: isoNow(app.clock),
          integrationId: await resolveGithubInstallation(app, installationIdOf(payload)),
        });
        // A redelivery is acknowledged and not processed again; the sweeper covers a crash before enqueue.
        if (rowId !== undefined) await queueRecordedDelivery(app, rowId);
        return reply.status(204).send();
      },
    });
  });
}

/** The previous webhook secret while its rotation window lasts (`GITHUB_WEBHOOK_PREVIOUS_SECRET_UNTIL`), else nothing. */
function previousSecretInWindow(app: App): string | undefined {
  const { previousWebhookSecret, previousWebhookSecretUntil } = app.config.github;
  if (previousWebhookSecretUntil !== undefined && app.clock.now() > previousWebhookSecretUntil) return undefined;
  return previousWebhookSecret;
}
