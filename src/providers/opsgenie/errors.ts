import { AppError } from "../../domain/errors.js";

/** A key Opsgenie refused (401 unknown/disabled, 403 no permission, 422 malformed or wrong type): D14. */
export const OPSGENIE_INVALID_KEY = "opsgenie_invalid_key";
/** Opsgenie rate-limited us, failed (5xx) or did not answer: worth another try later (D14). */
export const OPSGENIE_UNAVAILABLE = "opsgenie_unavailable";
/** Any other answer Opsgenie should not have given. */
export const OPSGENIE_API_ERROR = "opsgenie_api_error";

const KEY_REFUSED = new Set([401, 403, 422]);

/** The typed error for a non-2xx Opsgenie answer; `what` names the call (never the key or a query string). */
export function opsgenieHttpError(status: number, what: string, opsgenieMessage?: string): AppError {
  const said = opsgenieMessage ? `: ${opsgenieMessage}` : "";
  if (KEY_REFUSED.has(status)) {
    return new AppError("upstream", OPSGENIE_INVALID_KEY, `Opsgenie refused the integration key (HTTP ${status}) on ${what}${said}`, { detail: { status } });
  }
  if (status === 429 || status >= 500) {
    return new AppError("unavailable", OPSGENIE_UNAVAILABLE, `Opsgenie could not be reached (HTTP ${status}); try again`, { detail: { status } });
  }
  return new AppError("upstream", OPSGENIE_API_ERROR, `Opsgenie answered HTTP ${status} on ${what}${said}`, { detail: { status } });
}

/** The typed error for a call that never got an answer (timeout, connection refused). */
export function opsgenieUnreachable(cause: AppError): AppError {
  const why = cause.code === "outbound_timeout" ? "timeout" : "no connection";
  return new AppError("unavailable", OPSGENIE_UNAVAILABLE, `Opsgenie could not be reached (${why}); try again`, { cause, detail: { status: null } });
}
