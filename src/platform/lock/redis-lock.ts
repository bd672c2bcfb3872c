import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { systemClock, type Clock } from "../clock.js";
import { RedisScript } from "../redis-script.js";
import type { AcquireOptions, LockLease, LockManager } from "./lock.js";
import { assertLockTtl, waitForLock } from "./wait-for-lock.js";

export interface RedisLockOptions {
  /** A connection owned by the caller (closing the lock manager leaves it open). */
  redis: Redis;
  keyPrefix?: string;
  /** Only stamps `expiresAt` on leases; Redis itself decides when a lock lapses. */
  clock?: Clock;
}

// The fence is taken in the same script as the SET NX: a holder can never be granted the lock without
// a fence, and no two grants (from any process) share or reverse one. The fence key never expires.
const ACQUIRE = new RedisScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
return false`);

// Compare-and-delete / compare-and-expire: a lapsed holder must not touch a newer holder's lock.
const RELEASE = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`);

const EXTEND = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`);

/** Locks on Redis (the distributed mode): SET NX PX with a random token, fenced by a per-key counter. */
export class RedisLockManager implements LockManager {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly clock: Clock;

  constructor(options: RedisLockOptions) {
    this.redis = options.redis;
    this.prefix = options.keyPrefix ?? "";
    this.clock = options.clock ?? systemClock;
  }

  async acquire(key: string, options: AcquireOptions): Promise<LockLease | null> {
    assertLockTtl(options.ttlMs);
    const ttlMs = Math.ceil(options.ttlMs);
    return waitForLock(async () => {
      const token = randomBytes(16).toString("hex");
      // Stamped before the request is sent, so the lease never claims more time than Redis grants.
      const expiresAt = this.clock.now() + ttlMs;
      const fence = await ACQUIRE.run(this.redis, [this.lockKey(key), this.fenceKey(key)], [token, ttlMs]);
      return fence === null || fence === undefined ? null : { key, token, fence: Number(fence), expiresAt };
    }, options);
  }

  async release(lease: LockLease): Promise<boolean> {
    return (await RELEASE.run(this.redis, [this.lockKey(lease.key)], [lease.token])) === 1;
  }

  async extend(lease: LockLease, ttlMs: number): Promise<boolean> {
    assertLockTtl(ttlMs);
    const expiresAt = this.clock.now() + Math.ceil(ttlMs);
    const extended = (await EXTEND.run(this.redis, [this.lockKey(lease.key)], [lease.token, Math.ceil(ttlMs)])) === 1;
    if (extended) lease.expiresAt = expiresAt;
    return extended;
  }

  async isHeld(lease: LockLease): Promise<boolean> {
    return (await this.redis.get(this.lockKey(lease.key))) === lease.token;
  }

  async close(): Promise<void> {
    // The connection belongs to whoever created it.
  }

  private lockKey(key: string): string {
    return `${this.prefix}lock:${key}`;
  }

  private fenceKey(key: string): string {
    return `${this.prefix}lock-fence:${key}`;
  }
}
