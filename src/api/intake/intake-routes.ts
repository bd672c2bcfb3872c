import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { App } from "../../app.js";
import { parseEnvelope, EnvelopeError, type EnvelopeItem } from "../../domain/envelope.js";
import { AppError, isAppError } from "../../domain/errors.js";
import { isValidEventId } from "../../domain/event-manager.js";
import { STATUS_BY_KIND } from "../error-status.js";
import { authenticateProjectKey, requestPublicKey } from "./authenticate-key.js";
import { decompressBody } from "./decompress-body.js";
import { saveEvent } from "./save-event.js";

/**
 * Intake limits, as Relay's defaults: a request body (compressed or not) and its decompressed form
 * are at most 20 MiB; one event payload at most 1 MiB (`max_event_size`).
 */
export const INTAKE_LIMITS = { body: 20 * 1024 * 1024, decompressed: 20 * 1024 * 1024, event: 1024 * 1024 } as const;

/** Item types that carry an error event; every other item (transaction, session, attachment...) is ignored. */
const EVENT_ITEM_TYPES = new Set(["event"]);
/** Event types the store endpoint saves; transactions and others posted there are accepted and ignored. */
const STORED_EVENT_TYPES = new Set(["error", "default"]);

const CORS_HEADERS = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers": "x-sentry-error, x-sentry-rate-limits, retry-after",
};
const PREFLIGHT_HEADERS = {
  ...CORS_HEADERS,
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-allow-headers":
    "x-sentry-auth, x-requested-with, origin, accept, content-type, content-encoding, authentication, authorization, baggage, sentry-trace",
  "access-control-max-age": "3600",
};

function reject(reply: FastifyReply, error: AppError) {
  const status = STATUS_BY_KIND[error.kind];
  // SDKs log X-Sentry-Error, so the reason reaches the developer's console too.
  return reply.status(status).header("x-error-code", error.code).header("x-sentry-error", error.message).send({ detail: error.message, code: error.code });
}

function projectIdOf(request: FastifyRequest): number {
  const raw = (request.params as { projectId?: string }).projectId ?? "";
  if (!/^\d{1,16}$/.test(raw)) throw new AppError("validation", "invalid_project_id", `The project id in the URL must be a number, got "${raw.slice(0, 40)}"`);
  return Number(raw);
}

function parseJsonObject(bytes: Buffer, what: string): Record<string, unknown> {
  if (bytes.length > INTAKE_LIMITS.event) throw new AppError("too_large", "event_too_large", `The ${what} exceeds ${INTAKE_LIMITS.event} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    throw new AppError("validation", "invalid_json", `The ${what} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new AppError("validation", "invalid_event", `The ${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

async function readBody(request: FastifyRequest): Promise<Buffer> {
  const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const encoding = request.headers["content-encoding"];
  return decompressBody(raw, Array.isArray(encoding) ? encoding[0] : encoding, INTAKE_LIMITS.decompressed);
}

async function handleEnvelope(app: App, request: FastifyRequest): Promise<{ id?: string }> {
  const projectId = projectIdOf(request);
  const body = await readBody(request);
  let envelope;
  try {
    envelope = parseEnvelope(body);
  } catch (error) {
    if (error instanceof EnvelopeError) throw new AppError("validation", error.code, error.message);
    throw error;
  }
  const key = await authenticateProjectKey(app.store, projectId, requestPublicKey(request, envelope.header.dsn));
  const eventItems: EnvelopeItem[] = envelope.items.filter((item) => EVENT_ITEM_TYPES.has(item.type));
  if (eventItems.length > 1) throw new AppError("validation", "envelope_duplicate_event", "The envelope has more than one event item");
  const headerId = envelope.header.event_id;
  if (headerId !== undefined && !isValidEventId(headerId)) throw new AppError("validation", "invalid_event_id", "The envelope header's event_id is not a 32-character hex id");
  const item = eventItems[0];
  if (!item) return typeof headerId === "string" ? { id: headerId.replace(/-/g, "").toLowerCase() } : {};
  const payload = parseJsonObject(item.payload, "event item");
  if (payload.event_id === undefined && typeof headerId === "string") payload.event_id = headerId;
  const outcome = await saveEvent(app, { projectId, organizationId: key.organizationId }, payload);
  return { id: outcome.eventId };
}

async function handleStore(app: App, request: FastifyRequest): Promise<{ id?: string }> {
  const projectId = projectIdOf(request);
  const body = await readBody(request);
  const payload = parseJsonObject(body, "event");
  const key = await authenticateProjectKey(app.store, projectId, requestPublicKey(request));
  const type = typeof payload.type === "string" ? payload.type : "error";
  if (!STORED_EVENT_TYPES.has(type)) return isValidEventId(payload.event_id) ? { id: String(payload.event_id).replace(/-/g, "").toLowerCase() } : {};
  const outcome = await saveEvent(app, { projectId, organizationId: key.organizationId }, payload);
  return { id: outcome.eventId };
}

/**
 * `POST /api/{project_id}/envelope/` and `POST /api/{project_id}/store/`: what the official Sentry SDKs
 * send. Raw bodies (any content type, possibly compressed) in their own encapsulated scope.
 */
export async function registerIntakeRoutes(server: FastifyInstance, app: App): Promise<void> {
  await server.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: INTAKE_LIMITS.body }, (_request, body, done) => done(null, body));
    scope.addHook("onRequest", async (_request, reply) => {
      void reply.headers(CORS_HEADERS);
    });
    scope.addHook("onError", async (_request, reply, error) => {
      if ((error as { statusCode?: number }).statusCode === 413) void reply.header("x-sentry-error", `The request body exceeds ${INTAKE_LIMITS.body} bytes`);
    });
    for (const [path, handle] of [
      ["/api/:projectId/envelope/", handleEnvelope],
      ["/api/:projectId/store/", handleStore],
    ] as const) {
      scope.options(path, async (_request, reply) => reply.status(200).headers(PREFLIGHT_HEADERS).send());
      scope.post(path, { bodyLimit: INTAKE_LIMITS.body }, async (request, reply) => {
        try {
          return reply.status(200).send(await handle(app, request));
        } catch (error) {
          if (isAppError(error) && error.kind !== "internal") return reject(reply, error);
          throw error;
        }
      });
    }
  });
}
