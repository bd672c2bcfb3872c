import { randomUUID } from "node:crypto";
import type { SimResponse } from "../shared/sim-server.js";

/** Opsgenie's envelope: every JSON answer carries `took` (seconds) and a `requestId` echoed in `X-Request-ID` (§5.3). */
export function ogResponse(status: number, body: Record<string, unknown>, startedAt: number, requestId: string = randomUUID()): SimResponse {
  const tookMs = Math.max(1, Date.now() - startedAt);
  return {
    status,
    headers: { "x-request-id": requestId, "x-response-time": String(tookMs) },
    body: { ...body, took: Number((tookMs / 1000).toFixed(3)), requestId },
  };
}

/** An Opsgenie error: `{message, took, requestId}`, plus `code` or `errors` where Opsgenie sends them. */
export function ogError(status: number, message: string, startedAt: number, extra: Record<string, unknown> = {}): SimResponse {
  return ogResponse(status, { ...extra, message }, startedAt);
}

/** 422 with the fields that failed validation. */
export function validationError(errors: Record<string, string>, startedAt: number): SimResponse {
  return ogError(422, "Request has validation errors", startedAt, { errors });
}

/** Opsgenie's 429 body and headers when a rate-limit bucket is empty (§5.3). */
export function rateLimitedResponse(): { status: number; body: Record<string, unknown>; headers: Record<string, string> } {
  const requestId = randomUUID();
  return {
    status: 429,
    headers: { "x-request-id": requestId, "x-ratelimit-state": "THROTTLED", "x-ratelimit-reason": "INTEGRATION", "x-ratelimit-period-in-sec": "60" },
    body: { message: "You are making too many requests! To avoid errors, we recommend you limit requests.", took: 0.001, requestId },
  };
}
