import type { SimResponse } from "../shared/sim-server.js";

/** Bitbucket 2.0's error envelope: `{"type": "error", "error": {"message": ...}}`. */
export function bbError(status: number, message: string, extra: Record<string, unknown> = {}, headers?: Record<string, string>): SimResponse {
  return { status, headers, body: { type: "error", error: { message, ...extra } } };
}

/** A 400 naming the fields that failed validation, as Bitbucket's form errors do. */
export function fieldErrors(fields: Record<string, string[]>): SimResponse {
  return bbError(400, "Bad request", { fields });
}

/** What Bitbucket answers a request whose credentials it does not accept. */
export const UNAUTHORIZED_MESSAGE = "Token is invalid, expired, or not supported for this endpoint.";
