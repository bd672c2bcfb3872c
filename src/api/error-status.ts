import type { ErrorKind } from "../domain/errors.js";

/** The one place where an error's kind becomes an HTTP status. */
export const STATUS_BY_KIND: Record<ErrorKind, number> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported: 415,
  rate_limited: 429,
  upstream: 502,
  unavailable: 503,
  internal: 500,
};
