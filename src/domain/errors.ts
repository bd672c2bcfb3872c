/**
 * Errors are values with a stable `code` a client can match on and a message a person can act on.
 * The HTTP status is decided in one place (`api/error-status.ts`), from the kind.
 */
export type ErrorKind =
  | "validation"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "too_large"
  | "unsupported"
  | "rate_limited"
  | "upstream"
  | "unavailable"
  | "internal";

export class AppError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  /** Field errors in Sentry's shape `{"field": ["message"]}` for validation failures. */
  readonly fields: Record<string, string[]> | undefined;
  readonly detail: Record<string, unknown> | undefined;

  constructor(
    kind: ErrorKind,
    code: string,
    message: string,
    options: { fields?: Record<string, string[]>; detail?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.kind = kind;
    this.code = code;
    this.fields = options.fields;
    this.detail = options.detail;
  }
}

/** True when `error` is an AppError, optionally with the given code. */
export function isAppError(error: unknown, code?: string): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code);
}

/** A 400 with Sentry's field-error shape. */
export function validationError(fields: Record<string, string[]>, code = "invalid_input"): AppError {
  const first = Object.entries(fields)[0];
  const message = first ? `${first[0]}: ${first[1].join(" ")}` : "Invalid input";
  return new AppError("validation", code, message, { fields });
}
