/** A (second, sequence) pair for a snowflake id (§11.4 with D13). */
export interface SequenceSlot {
  /** The second the id is stamped with (may be earlier than now: look-back). */
  timestamp: number;
  /** 0..15 within that second. */
  sequence: number;
}

/**
 * Allocates snowflake sequence numbers per model: 16 per second, borrowing up to 300 earlier seconds
 * when a second is used up; throws AppError code `snowflake_no_available_id` ("No available ID").
 */
export interface SequenceAllocator {
  next(model: string, nowSeconds: number): Promise<SequenceSlot>;
  close(): Promise<void>;
}

export const MAX_SEQUENCE = 16;
export const LOOK_BACK_SECONDS = 300;
