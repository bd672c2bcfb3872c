import { AppError } from "../../domain/errors.js";

/** Sentry's "No available ID": every second of the look-back already gave out its 16 sequences. */
export function noAvailableId(): AppError {
  return new AppError("conflict", "snowflake_no_available_id", "No available ID");
}
