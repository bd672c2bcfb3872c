import type { FastifyInstance } from "fastify";
import type { App } from "../../app.js";
import { buildOpenApiDocument } from "../openapi/registry.js";

/** `GET /api/0/openapi.json`: the document of every route described so far (registered last). */
export function registerOpenApiRoute(server: FastifyInstance, app: App): void {
  server.get("/api/0/openapi.json", async () => buildOpenApiDocument(app.config.publicUrl));
}
