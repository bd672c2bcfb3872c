import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { App } from "../app.js";
import { clientScript, clientStyles, type Asset } from "./client-bundle.js";
import { ICON_SVG, SHELL_HTML } from "./shell-html.js";

/** Paths the client router owns; each answers the same shell page. */
export const DASHBOARD_PATHS = ["/", "/login", "/issues", "/issues/*", "/deliveries", "/deliveries/*", "/integrations", "/alerts", "/settings", "/settings/*"];

/*
 * Only our own script and styles run; the API is same-origin, so nothing else is allowed anywhere.
 * Inline SVG drawn through the DOM needs no exception.
 */
const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
};

function sendAsset(request: FastifyRequest, reply: FastifyReply, asset: Asset, type: string) {
  reply.headers({ ...SECURITY_HEADERS, "content-type": type, etag: asset.etag, "cache-control": "no-cache" });
  if (request.headers["if-none-match"] === asset.etag) return reply.code(304).send();
  return reply.send(asset.body);
}

/** The dashboard: the shell page on every client route, its bundled script, stylesheet and icon. */
export function registerWebRoutes(server: FastifyInstance, _app: App): void {
  for (const path of DASHBOARD_PATHS) {
    server.get(path, async (_request, reply) => reply.headers({ ...SECURITY_HEADERS, "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).send(SHELL_HTML));
  }
  server.get("/assets/app.js", async (request, reply) => sendAsset(request, reply, await clientScript(), "text/javascript; charset=utf-8"));
  server.get("/assets/app.css", async (request, reply) => sendAsset(request, reply, await clientStyles(), "text/css; charset=utf-8"));
  server.get("/assets/icon.svg", async (_request, reply) => reply.headers({ ...SECURITY_HEADERS, "content-type": "image/svg+xml", "cache-control": "max-age=86400" }).send(ICON_SVG));
}
