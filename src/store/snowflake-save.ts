import { AppError } from "../domain/errors.js";
import { snowflakeFor, SNOWFLAKE_EPOCH_START } from "../domain/snowflake.js";
import { nowSeconds, type Clock } from "../platform/clock.js";
import type { SequenceAllocator } from "../platform/sequence/sequence.js";
import { isUniqueViolation } from "./unique-violation.js";

/** Attempts before `save_with_snowflake_id` gives up (Sentry's MAX_REDIS_SNOWFLAKE_RETRY_COUNTER). */
export const MAX_SNOWFLAKE_RETRIES = 5;

/** Models that take snowflake ids; each has its own sequence keys (D13). */
export type SnowflakeModel = "organization" | "project" | "team";

export interface SnowflakeIds {
  sequence: SequenceAllocator;
  clock: Clock;
  epochStart?: number;
  regionId?: number;
}

/** Issues one snowflake id for `model`. */
export async function generateSnowflakeId(ids: SnowflakeIds, model: SnowflakeModel): Promise<number> {
  const slot = await ids.sequence.next(model, nowSeconds(ids.clock));
  return snowflakeFor(slot, ids.epochStart ?? SNOWFLAKE_EPOCH_START, ids.regionId);
}

/**
 * Sentry's `save_with_snowflake_id` (§11.2): take an id, run the save; a unique violation (id or any
 * other unique column) takes a new id and tries again; exhausted -> 409 with Sentry's message.
 */
export async function saveWithSnowflakeId<T>(ids: SnowflakeIds, model: SnowflakeModel, save: (id: number) => Promise<T>): Promise<T> {
  let lastError: unknown;
  for (let attempt = 0; attempt < MAX_SNOWFLAKE_RETRIES; attempt++) {
    const id = await generateSnowflakeId(ids, model);
    try {
      return await save(id);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      lastError = error;
    }
  }
  throw new AppError("conflict", "snowflake_retry_exhausted", "Max allowed ID retry reached. Please try again in a second", {
    cause: lastError,
  });
}
