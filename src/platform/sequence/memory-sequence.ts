import { LOOK_BACK_SECONDS, MAX_SEQUENCE, type SequenceAllocator, type SequenceSlot } from "./sequence.js";
import { noAvailableId } from "./no-available-id.js";

/** §11.4's look-back in process (the embedded mode, D13): counters per model and second. */
export class MemorySequenceAllocator implements SequenceAllocator {
  /** model -> second -> sequences given out. */
  private readonly counters = new Map<string, Map<number, number>>();

  async next(model: string, nowSeconds: number): Promise<SequenceSlot> {
    if (!Number.isSafeInteger(nowSeconds)) throw new Error(`nowSeconds must be an integer, got ${nowSeconds}`);
    let seconds = this.counters.get(model);
    if (!seconds) {
      seconds = new Map();
      this.counters.set(model, seconds);
    }
    prune(seconds, nowSeconds);
    // Synchronous from here on: no other call can interleave between reading and bumping a counter.
    const span = Math.min(nowSeconds, LOOK_BACK_SECONDS);
    for (let i = 0; i < span; i++) {
      const timestamp = nowSeconds - i;
      const used = seconds.get(timestamp) ?? 0;
      if (used < MAX_SEQUENCE) {
        seconds.set(timestamp, used + 1);
        return { timestamp, sequence: used };
      }
    }
    throw noAvailableId();
  }

  async close(): Promise<void> {
    this.counters.clear();
  }
}

/**
 * Forgets seconds the look-back can no longer reach. Redis expires its keys 300 s after first use,
 * which is never before they fall out of reach, so dropping them here changes no outcome.
 */
function prune(seconds: Map<number, number>, nowSeconds: number): void {
  if (seconds.size <= 2 * LOOK_BACK_SECONDS) return;
  for (const second of seconds.keys()) {
    if (second <= nowSeconds - LOOK_BACK_SECONDS) seconds.delete(second);
  }
}
