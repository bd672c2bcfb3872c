const MAX_LENGTH = 2000;

/**
 * What a failed attempt leaves in `last_error`: the error's message only (never its cause, stack or
 * properties, which may carry request data or secrets), cut to a bounded length.
 */
export function jobErrorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > MAX_LENGTH ? `${message.slice(0, MAX_LENGTH)}…` : message;
}
