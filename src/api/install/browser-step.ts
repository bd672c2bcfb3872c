import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { App } from "../../app.js";
import { AppError } from "../../domain/errors.js";
import { STATUS_BY_KIND } from "../error-status.js";
import { sendInstallError } from "./install-page.js";

const FORM_LIMIT = 64 * 1024;

type StepHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | void>;

/**
 * Registers the browser-facing pages of install flows in their own scope: HTML forms post
 * `application/x-www-form-urlencoded` (parsed into an object), and every failure is a small HTML page
 * with the error's status and stable code, never JSON or a stack, since a person is looking at it.
 */
export async function registerBrowserSteps(server: FastifyInstance, app: App, define: (route: (method: "GET" | "POST", url: string, handler: StepHandler) => void) => void): Promise<void> {
  await server.register(async (scope) => {
    scope.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string", bodyLimit: FORM_LIMIT }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });
    define((method, url, handler) => {
      scope.route({
        method,
        url,
        handler: async (request, reply) => {
          try {
            return await handler(request, reply);
          } catch (error) {
            if (error instanceof AppError) {
              const status = STATUS_BY_KIND[error.kind];
              if (status >= 500) app.logger.warn({ code: error.code, path: request.routeOptions.url }, "install step failed");
              return sendInstallError(reply, status, error.code, error.message);
            }
            app.logger.error({ err: error, path: request.routeOptions.url }, "install step failed unexpectedly");
            return sendInstallError(reply, 500, "internal_error", "Something went wrong; the incident was logged. Start the installation again.");
          }
        },
      });
    });
  });
}

/** A string query or form field, or undefined (repeated fields and non-strings are ignored). */
export function field(source: unknown, name: string, max = 2000): string | undefined {
  const value = source && typeof source === "object" ? (source as Record<string, unknown>)[name] : undefined;
  return typeof value === "string" && value.length <= max ? value : undefined;
}

/** The public URL of an install page with its query. */
export function setupUrl(app: App, path: string, query: Record<string, string>): string {
  const url = new URL(`${app.config.publicUrl.replace(/\/+$/, "")}${path}`);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return url.toString();
}
