import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { App } from "../../app.js";
import { AppError } from "../../domain/errors.js";
import {
  deliveryAttempts,
  deliveryCountsByMinute,
  findOrganizationDelivery,
  findOrganizationRejection,
  listDeliveryLog,
  resetDeliveryForReplay,
  type LogCursor,
  type LogEntry,
} from "../../store/webhook-delivery-log.js";
import { enqueueDelivery } from "../../webhooks/webhook-queue.js";
import { assertOrganizationSlug, requireOrganization } from "../auth/require-organization.js";
import { describeRoute } from "../openapi/registry.js";
import { text } from "../schemas/text.js";
import { notFound } from "./lookup.js";

const PROVIDERS = ["github", "vsts", "jira_server", "bitbucket"] as const;
const STATES = ["received", "processed", "failed", "dead", "rejected"] as const;
const CURSOR = /^[A-Za-z0-9_-]{1,200}$/;
// Rejected requests are listed with ids `r<n>` so they never collide with delivery ids.
const ID = /^(r?)(\d{1,15})$/;

const orgParams = z.object({ org: z.string() });
const detailParams = z.object({ org: z.string(), id: z.string() });
const replayParams = z.object({ id: z.string() });
const listQuery = z.object({
  provider: z.enum(PROVIDERS).optional(),
  state: z.enum(STATES).optional(),
  cursor: text().regex(CURSOR, "Invalid cursor").optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
const statsQuery = z.object({ minutes: z.coerce.number().int().min(1).max(1440).default(60) });

const itemSchema = z.object({
  id: z.string(),
  provider: z.string(),
  event: z.string().nullable(),
  deliveryId: z.string().nullable(),
  state: z.enum(STATES),
  verifiedBy: z.string().nullable().describe("Which secret verified it: current | previous (null when rejected)"),
  receivedAt: z.string(),
  processedAt: z.string().nullable(),
  attempts: z.number(),
  lastError: z.string().nullable().describe("The last processing error, or the reason code of a rejection"),
  rejection: z.object({ reason: z.string(), secretTried: z.string() }).nullable(),
});
const detailSchema = itemSchema.extend({
  integrationId: z.string().nullable(),
  headers: z.record(z.string(), z.string()),
  body: z.string().nullable().describe("The provider's payload (never stored for rejected requests)"),
  attemptsLog: z.array(z.object({ outcome: z.string(), error: z.string().nullable(), finishedAt: z.string() })),
});
const statsSchema = z.object({
  minutes: z.number(),
  start: z.string(),
  buckets: z.array(z.object({ minute: z.string(), counts: z.array(z.object({ provider: z.string(), outcome: z.string(), count: z.number() })) })),
});

type Item = z.infer<typeof itemSchema>;

function encodeCursor(cursor: LogCursor): string {
  return Buffer.from(JSON.stringify([cursor.receivedAt, cursor.kind, cursor.id])).toString("base64url");
}

function decodeCursor(value: string): LogCursor {
  try {
    const [receivedAt, kind, id] = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as unknown[];
    if (typeof receivedAt === "string" && receivedAt.length <= 40 && (kind === 0 || kind === 1) && Number.isSafeInteger(id)) return { receivedAt, kind, id: id as number };
  } catch {
    // fall through to the 400 below
  }
  throw new AppError("validation", "invalid_cursor", "Invalid cursor", { fields: { cursor: ["Invalid cursor"] } });
}

function parseHeaders(json: string): Record<string, string> {
  try {
    return JSON.parse(json) as Record<string, string>;
  } catch {
    return {};
  }
}

function serializeEntry(entry: LogEntry): Item {
  if (entry.kind === "delivery") {
    const d = entry.row;
    return {
      id: String(d.id),
      provider: d.provider,
      event: d.event,
      deliveryId: d.delivery_id,
      state: d.state as Item["state"],
      verifiedBy: d.verified_by,
      receivedAt: d.received_at,
      processedAt: d.processed_at,
      attempts: d.attempts,
      lastError: d.last_error,
      rejection: null,
    };
  }
  const r = entry.row;
  const headers = parseHeaders(r.headers);
  return {
    id: `r${r.id}`,
    provider: r.provider,
    event: headers["x-github-event"] ?? null,
    deliveryId: headers["x-github-delivery"] ?? null,
    state: "rejected",
    verifiedBy: null,
    receivedAt: r.received_at,
    processedAt: null,
    attempts: 0,
    lastError: r.reason,
    rejection: { reason: r.reason, secretTried: r.secret_tried },
  };
}

/** The webhook delivery log of an organization: list, detail, per-minute counts, and replay. */
export function registerWebhookDeliveryRoutes(server: FastifyInstance, app: App): void {
  const orgOf = async (request: FastifyRequest, slug: string) => {
    const org = await requireOrganization(app, request);
    assertOrganizationSlug(org, slug);
    return org;
  };

  describeRoute({ method: "get", path: "/api/0/organizations/:org/webhook-deliveries/", summary: "List webhook deliveries and rejected requests, newest first", tag: "webhooks", params: orgParams, query: listQuery, response: z.array(itemSchema) });
  server.get("/api/0/organizations/:org/webhook-deliveries/", async (request, reply) => {
    const org = await orgOf(request, orgParams.parse(request.params).org);
    const q = listQuery.parse(request.query ?? {});
    const page = await listDeliveryLog(app.store.db, { organizationId: org.id, provider: q.provider, state: q.state, cursor: q.cursor ? decodeCursor(q.cursor) : undefined, limit: q.limit });
    if (page.next) {
      const url = new URL(request.url, app.config.publicUrl);
      url.searchParams.set("cursor", encodeCursor(page.next));
      reply.header("Link", `<${url.toString()}>; rel="next"; results="true"; cursor="${encodeCursor(page.next)}"`);
    }
    return page.entries.map(serializeEntry);
  });

  describeRoute({ method: "get", path: "/api/0/organizations/:org/webhook-deliveries/stats/", summary: "Webhook deliveries per minute by provider and outcome", tag: "webhooks", params: orgParams, query: statsQuery, response: statsSchema });
  server.get("/api/0/organizations/:org/webhook-deliveries/stats/", async (request) => {
    const org = await orgOf(request, orgParams.parse(request.params).org);
    const { minutes } = statsQuery.parse(request.query ?? {});
    const firstMinute = Math.floor(app.clock.now() / 60_000) - minutes + 1;
    const start = new Date(firstMinute * 60_000).toISOString();
    const rows = await deliveryCountsByMinute(app.store.db, org.id, start);
    // Every minute is present (zeros included) so a chart needs no gap filling.
    const buckets = Array.from({ length: minutes }, (_, i) => ({ minute: new Date((firstMinute + i) * 60_000).toISOString(), counts: [] as { provider: string; outcome: string; count: number }[] }));
    for (const row of rows) {
      const index = Math.round((Date.parse(`${row.minute}:00Z`) / 60_000) - firstMinute);
      buckets[index]?.counts.push({ provider: row.provider, outcome: row.outcome, count: row.count });
    }
    return { minutes, start, buckets };
  });

  describeRoute({ method: "get", path: "/api/0/organizations/:org/webhook-deliveries/:id/", summary: "Retrieve a webhook delivery with its headers and attempts", tag: "webhooks", params: detailParams, response: detailSchema });
  server.get("/api/0/organizations/:org/webhook-deliveries/:id/", async (request) => {
    const params = detailParams.parse(request.params);
    const org = await orgOf(request, params.org);
    const match = ID.exec(params.id);
    if (!match) throw notFound("webhook_delivery_not_found");
    const id = Number(match[2]);
    if (match[1] === "r") {
      const rejection = await findOrganizationRejection(app.store.db, org.id, id);
      if (!rejection) throw notFound("webhook_delivery_not_found");
      return { ...serializeEntry({ kind: "rejection", row: rejection }), integrationId: rejection.integration_id === null ? null : String(rejection.integration_id), headers: parseHeaders(rejection.headers), body: null, attemptsLog: [] };
    }
    // Attempts first: an attempt and the delivery's new state commit together, so the row read after them
    // is at least as new as the log (read the other way round, the log could be ahead of the state shown).
    const attempts = await deliveryAttempts(app.store.db, id);
    const delivery = await findOrganizationDelivery(app.store.db, org.id, id);
    if (!delivery) throw notFound("webhook_delivery_not_found");
    // x-integration-id is internal routing, not something the provider sent.
    const { "x-integration-id": _internal, ...headers } = parseHeaders(delivery.headers);
    return {
      ...serializeEntry({ kind: "delivery", row: delivery }),
      integrationId: delivery.integration_id === null ? null : String(delivery.integration_id),
      headers,
      body: delivery.body,
      attemptsLog: attempts.map((a) => ({ outcome: a.outcome, error: a.error, finishedAt: a.finished_at })),
    };
  });

  describeRoute({ method: "post", path: "/api/0/webhook-deliveries/:id/replay/", summary: "Process a recorded delivery again", tag: "webhooks", params: replayParams, response: itemSchema, status: 202 });
  server.post("/api/0/webhook-deliveries/:id/replay/", async (request, reply) => {
    const org = await requireOrganization(app, request);
    const { id } = replayParams.parse(request.params);
    const match = ID.exec(id);
    // A rejected request was never recorded, so there is nothing to replay: the same 404.
    if (!match || match[1] === "r") throw notFound("webhook_delivery_not_found");
    const delivery = await findOrganizationDelivery(app.store.db, org.id, Number(match[2]));
    if (!delivery) throw notFound("webhook_delivery_not_found");
    await resetDeliveryForReplay(app.store.db, delivery.id);
    await enqueueDelivery(app, delivery.id, randomUUID());
    const updated = await findOrganizationDelivery(app.store.db, org.id, delivery.id);
    return reply.status(202).send(serializeEntry({ kind: "delivery", row: updated ?? delivery }));
  });
}
