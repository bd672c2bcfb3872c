import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { App } from "../app.js";
import { installErrorHandling } from "./error-handler.js";
import { ROUTE_MODULES } from "./routes/index.js";

/** Largest JSON body the API accepts (routes that take more, like webhooks, raise their own limit). */
export const API_BODY_LIMIT = 1024 * 1024;

/** Builds the HTTP server with every route module; listening is the caller's choice. */
export async function buildServer(app: App): Promise<FastifyInstance> {
  const server = Fastify({
    // pino's Logger is Fastify's logger; only the generic parameters differ.
    loggerInstance: app.logger as unknown as FastifyBaseLogger,
    bodyLimit: API_BODY_LIMIT,
    // Per-request lines would dominate the log under webhook load; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: true,
  });
  installErrorHandling(server);
  for (const register of ROUTE_MODULES) await register(server, app);
  return server;
}
