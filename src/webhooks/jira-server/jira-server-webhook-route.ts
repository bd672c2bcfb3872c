import { createHash } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { decodeJwt, jwtVerify } from "jose";
import type { App } from "../../app.js";
import { isoNow } from "../../platform/clock.js";
import { hasChangelog } from "../../providers/jira-server/webhook.js";
import { recordDelivery } from "../../store/webhook-deliveries.js";
import { WEBHOOK_BODY_LIMIT } from "../github/github-webhook-route.js";
import { noteRejection } from "../note-rejection.js";
import { queueRecordedDelivery } from "../webhook-queue.js";

function refuse(reply: FastifyReply, code: string, detail: string) {
  return reply.status(400).header("x-error-code", code).send({ detail, code });
}

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** The integration a path token names, once its HS256 signature checks against that integration's webhook secret (§9.3). */
async function integrationFromToken(app: App, token: string): Promise<{ id: number } | { error: string; code: string; integrationId?: number }> {
  if (token.trim().length === 0) return { error: "Token was empty", code: "webhook_token_empty" };
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwt(token);
  } catch {
    return { error: "Could not decode JWT token", code: "webhook_token_undecodable" };
  }
  const id = claims.id;
  if ((typeof id !== "string" && typeof id !== "number") || String(id).length === 0) return { error: "Token did not contain `id`", code: "webhook_token_no_id" };
  const integration = await app.store.db
    .selectFrom("integrations")
    .select(["id", "metadata"])
    .where("provider", "=", "jira_server")
    .where("external_id", "=", String(id))
    .where("status", "=", "active")
    .executeTakeFirst();
  if (!integration) return { error: "Could not find integration for token", code: "webhook_integration_unknown" };
  const secret = webhookSecret(app, integration.metadata);
  if (!secret) return { error: "Could not validate JWT", code: "webhook_token_invalid", integrationId: integration.id };
  try {
    await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ["HS256"] });
  } catch {
    return { error: "Could not validate JWT", code: "webhook_token_invalid", integrationId: integration.id };
  }
  return { id: integration.id };
}

function webhookSecret(app: App, metadata: string): string | null {
  try {
    const secret = (JSON.parse(metadata) as { webhook_secret?: unknown }).webhook_secret;
    if (typeof secret !== "string" || secret.length === 0) return null;
    return secret.startsWith("sealed:") ? app.vault.open(secret) : secret;
  } catch {
    return null;
  }
}

/**
 * `POST /extensions/jira-server/issue-updated/{token}/` (§9.3): every token failure is a 400; a
 * body without a changelog is a 200 no-op; a verified change is recorded durably before the 200
 * (Jira sends no delivery id, so the body's hash deduplicates).
 */
export async function registerJiraServerWebhookRoute(server: FastifyInstance, app: App): Promise<void> {
  await server.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) => done(null, body));
    scope.route({
      method: ["POST", "GET", "PUT", "PATCH", "DELETE"],
      // A wildcard, not `:token`: signed tokens outgrow the router's 100-character parameter limit (414).
      url: "/extensions/jira-server/issue-updated/*",
      bodyLimit: WEBHOOK_BODY_LIMIT,
      handler: async (request, reply) => {
        if (request.method !== "POST") return reply.status(405).header("allow", "POST").send({ detail: `Method "${request.method}" not allowed.`, code: "method_not_allowed" });
        // Sentry's route is `issue-updated/(?P<token>[^/]+)/$`: exactly one segment and a trailing slash.
        const rest = String((request.params as { "*"?: unknown })["*"] ?? "");
        const match = /^([^/]+)\/$/.exec(rest);
        if (!match) return reply.status(404).send({ detail: "Not found", code: "not_found" });
        const token = match[1] ?? "";
        const found = await integrationFromToken(app, token);
        if ("error" in found) {
          noteRejection(app, request, { provider: "jira_server", reason: found.code, secretTried: found.integrationId ? "webhook_secret" : "none", integrationId: found.integrationId ?? null });
          return refuse(reply, found.code, found.error);
        }
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        let data: unknown;
        try {
          data = JSON.parse(body.toString("utf8"));
        } catch {
          return refuse(reply, "webhook_body_not_json", "Body is not valid JSON");
        }
        if (!hasChangelog(data)) return reply.status(200).send();
        const rowId = await recordDelivery(app.store.db, {
          provider: "jira_server",
          deliveryId: `sha256:${createHash("sha256").update(body).digest("hex")}`,
          event: "jira:issue_updated",
          verifiedBy: "current",
          headers: { "x-integration-id": String(found.id), "user-agent": header(request, "user-agent") ?? "" },
          body: body.toString("utf8"),
          receivedAt: isoNow(app.clock),
          integrationId: found.id,
        });
        if (rowId !== undefined) await queueRecordedDelivery(app, rowId);
        return reply.status(200).send();
      },
    });
  });
}
