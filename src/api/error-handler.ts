import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ZodError } from "zod";
import { AppError } from "../domain/errors.js";
import { STATUS_BY_KIND } from "./error-status.js";

/** Turns zod issues into Sentry's `{"field": ["message"]}` shape. */
export function zodFields(error: ZodError): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "non_field_errors";
    const message = issue.code === "invalid_type" && issue.message.includes("received undefined") ? "This field is required." : issue.message;
    (fields[key] ??= []).push(message);
  }
  return fields;
}

/** Statuses Fastify itself raises for malformed requests, with a stable code each. */
const FRAMEWORK_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: "body_too_large",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "unsupported_media_type",
  FST_ERR_CTP_EMPTY_JSON_BODY: "empty_body",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "invalid_content_length",
  FST_ERR_CTP_INVALID_JSON_BODY: "invalid_json",
};

function send(reply: FastifyReply, status: number, code: string, body: Record<string, unknown>): void {
  void reply.status(status).header("x-error-code", code).send(body);
}

/** PostgreSQL's data exceptions caused by values (SQLSTATE 22003 out of range, 22P02 malformed number, 22021 bad byte). */
function isDataException(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === "22003" || code === "22P02" || code === "22021";
}

/** True when a path parameter is all digits but beyond a safe integer: no row can have that id. */
function hasUnsafeIdParam(request: FastifyRequest): boolean {
  const params = (request.params ?? {}) as Record<string, unknown>;
  return Object.values(params).some((v) => typeof v === "string" && /^\d+$/.test(v) && !Number.isSafeInteger(Number(v)));
}

/** Installs the error and not-found handlers: stable codes, right statuses, no internals leaked. */
export function installErrorHandling(server: FastifyInstance): void {
  server.setErrorHandler((error: FastifyError | AppError | ZodError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof AppError) {
      const status = STATUS_BY_KIND[error.kind];
      if (error.fields) return send(reply, status, error.code, error.fields);
      if (status >= 500) request.log.error({ code: error.code, err: error }, "request failed");
      return send(reply, status, error.code, { detail: error.message, code: error.code, ...(error.detail ?? {}) });
    }
    if (error instanceof ZodError) return send(reply, 400, "invalid_input", zodFields(error));
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) {
      return send(reply, 400, "invalid_input", { detail: fastifyError.message, code: "invalid_input" });
    }
    const status = fastifyError.statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      const code = FRAMEWORK_CODES[fastifyError.code] ?? (status === 413 ? "body_too_large" : "bad_request");
      const detail = code === "invalid_json" ? "Request body is not valid JSON" : fastifyError.message;
      return send(reply, status, code, { detail, code });
    }
    if (isDataException(error)) {
      // Client input the database cannot hold (an id beyond bigint, a malformed number): the client's mistake.
      if (hasUnsafeIdParam(request)) return send(reply, 404, "not_found", { detail: "The requested resource does not exist", code: "not_found" });
      return send(reply, 400, "invalid_value", { detail: "A value in the request is out of range or malformed", code: "invalid_value" });
    }
    request.log.error({ err: error }, "unhandled error");
    return send(reply, 500, "internal_error", { detail: "Internal error; the incident was logged", code: "internal_error" });
  });

  server.setNotFoundHandler((_request, reply) => {
    send(reply, 404, "not_found", { detail: "The requested resource does not exist", code: "not_found" });
  });
}
