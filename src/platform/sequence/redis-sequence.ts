import type { Redis } from "ioredis";
import { RedisScript } from "../redis-script.js";
import { LOOK_BACK_SECONDS, MAX_SEQUENCE, type SequenceAllocator, type SequenceSlot } from "./sequence.js";
import { noAvailableId } from "./no-available-id.js";

// §11.4's look-back, but in one script (D13): Sentry pays one INCR round trip per second it looks at,
// up to 300 per id; here every id costs one EVALSHA. Like Sentry, the script INCRs a second's counter
// and uses the value when it is below 16 (a full second's counter only grows past 16, harmlessly).
// A scan hint per model remembers, for one `now`, how many recent seconds are known to be full:
// counters only grow, so skipping them gives the same answer as scanning them, and a burst stays O(1)
// per id. Keys are built inside the script, which is fine on one Redis node; a Redis Cluster would
// need the model in a hash tag. ARGV: key prefix (ending in "<model>:"), now (s).
const LOOK_BACK = new RedisScript(`
local prefix = ARGV[1]
local now = tonumber(ARGV[2])
local span = math.min(now, ${LOOK_BACK_SECONDS})
local hintKey = prefix .. 'scan-hint'
local start = 0
local hint = redis.call('GET', hintKey)
if hint then
  local hintNow, offset = string.match(hint, '^(%d+):(%d+)$')
  if tonumber(hintNow) == now then start = tonumber(offset) end
end
for i = start, span - 1 do
  local ts = now - i
  local key = prefix .. ts
  local used = redis.call('INCR', key) - 1
  if used == 0 then
    redis.call('EXPIRE', key, ${LOOK_BACK_SECONDS})
  end
  if used < ${MAX_SEQUENCE} then
    if used + 1 >= ${MAX_SEQUENCE} then
      redis.call('SET', hintKey, now .. ':' .. (i + 1), 'EX', ${LOOK_BACK_SECONDS})
    end
    return {ts, used}
  end
end
redis.call('SET', hintKey, now .. ':' .. span, 'EX', ${LOOK_BACK_SECONDS})
return false`);

export interface RedisSequenceOptions {
  /** A connection owned by the caller (closing the allocator leaves it open). */
  redis: Redis;
  keyPrefix?: string;
}

/** §11.4's sequence allocation on Redis (the distributed mode, D13): one round trip per id. */
export class RedisSequenceAllocator implements SequenceAllocator {
  /** Requests sent to Redis so far (the benchmark divides it by the ids issued). */
  roundTrips = 0;
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(options: RedisSequenceOptions) {
    this.redis = options.redis;
    this.prefix = `${options.keyPrefix ?? ""}snowflakeid:`;
  }

  async next(model: string, nowSeconds: number): Promise<SequenceSlot> {
    if (!Number.isSafeInteger(nowSeconds)) throw new Error(`nowSeconds must be an integer, got ${nowSeconds}`);
    const reply = await LOOK_BACK.run(
      this.redis,
      [],
      [`${this.prefix}${model}:`, nowSeconds],
      () => this.roundTrips++,
    );
    if (!Array.isArray(reply)) throw noAvailableId();
    return { timestamp: Number(reply[0]), sequence: Number(reply[1]) };
  }

  async close(): Promise<void> {
    // The connection belongs to whoever created it.
  }
}
