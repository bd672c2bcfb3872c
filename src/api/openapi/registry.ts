import { z } from "zod";

/** One route as the OpenAPI document describes it; params/query/body/response are the zod schemas the route uses. */
export interface RouteDoc {
  method: "get" | "post" | "put" | "delete";
  /** Fastify-style path (`/api/0/projects/:org/:project/`). */
  path: string;
  summary: string;
  tag: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  response?: z.ZodType;
  /** Status of a success (default 200). */
  status?: number;
}

const routes = new Map<string, RouteDoc>();

/** Adds a route to the OpenAPI document (idempotent: servers built twice describe it once). */
export function describeRoute(doc: RouteDoc): void {
  routes.set(`${doc.method} ${doc.path}`, doc);
}

const errorSchema = { type: "object", properties: { detail: { type: "string" }, code: { type: "string" } } };
const fieldErrorsSchema = { type: "object", additionalProperties: { type: "array", items: { type: "string" } } };

function jsonSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<string, unknown>;
  return rest;
}

function parameters(schema: z.ZodObject | undefined, where: "path" | "query") {
  if (!schema) return [];
  const shape = jsonSchema(schema, "input") as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(shape.properties ?? {}).map(([name, s]) => ({ name, in: where, required: where === "path" || (shape.required ?? []).includes(name), schema: s }));
}

/** The OpenAPI 3.1 document of every described route. */
export function buildOpenApiDocument(serverUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const doc of [...routes.values()].sort((a, b) => a.path.localeCompare(b.path))) {
    const path = doc.path.replace(/:(\w+)/g, "{$1}");
    const ok = String(doc.status ?? 200);
    const responses: Record<string, unknown> = {
      [ok]: doc.response ? { description: "Success", content: { "application/json": { schema: jsonSchema(doc.response, "output") } } } : { description: "Success" },
      "401": { description: "Missing or invalid token", content: { "application/json": { schema: errorSchema } } },
      "404": { description: "Unknown object or another organization's", content: { "application/json": { schema: errorSchema } } },
    };
    if (doc.body || doc.query) responses["400"] = { description: "Invalid input", content: { "application/json": { schema: fieldErrorsSchema } } };
    if (doc.method === "post" || doc.method === "put") responses["409"] = { description: "Conflict", content: { "application/json": { schema: errorSchema } } };
    paths[path] ??= {};
    paths[path][doc.method] = {
      summary: doc.summary,
      tags: [doc.tag],
      security: [{ bearer: [] }],
      parameters: [...parameters(doc.params, "path"), ...parameters(doc.query, "query")],
      ...(doc.body ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(doc.body, "input") } } } } : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "Switchboard API", version: "0" },
    servers: [{ url: serverUrl }],
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "An organization API token (`switchboard token create`)" } } },
    paths,
  };
}
