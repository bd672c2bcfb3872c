import { sql } from "kysely";
import type { FastifyInstance } from "fastify";
import type { App } from "../../app.js";
import { pingRedis } from "../../platform/create-platform.js";

interface Check {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

async function timed(fn: () => Promise<unknown>): Promise<Check> {
  const started = performance.now();
  try {
    await fn();
    return { ok: true, latencyMs: round(performance.now() - started) };
  } catch (error) {
    return { ok: false, latencyMs: round(performance.now() - started), error: (error as Error).message };
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** `GET /healthz`: the store and, when configured, Redis; 503 when either is down. */
export function registerHealthRoutes(server: FastifyInstance, app: App): void {
  server.get("/healthz", async (_request, reply) => {
    const store = { dialect: app.store.dialect, ...(await timed(() => sql`SELECT 1`.execute(app.store.db))) };
    const redis = app.platform.redis ? await timed(() => pingRedis(app.platform.redis!)) : undefined;
    const ok = store.ok && (redis?.ok ?? true);
    return reply.status(ok ? 200 : 503).send({
      status: ok ? "ok" : "unavailable",
      mode: app.platform.mode,
      store,
      ...(redis ? { redis } : {}),
    });
  });
}
