import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { systemClock, type Clock } from "../clock.js";
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
const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
return false`;

// Compare-and-delete / compare-and-expire: a lapsed holder must not touch a newer holder's lock.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

const EXTEND = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

declare module "ioredis" {
  interface RedisCommander<Context> {
    switchboardLockAcquire(lockKey: string, fenceKey: string, token: string, ttlMs: number): Result<number | null, Context>;
    switchboardLockRelease(lockKey: string, token: string): Result<number, Context>;
    switchboardLockExtend(lockKey: string, token: string, ttlMs: number): Result<number, Context>;
  }
}

/** Locks on Redis (the distributed mode): SET NX PX with a random token, fenced by a per-key counter. */
export class RedisLockManager implements LockManager {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly clock: Clock;

  constructor(options: RedisLockOptions) {
    this.redis = options.redis;
    this.prefix = options.keyPrefix ?? "";
    this.clock = options.clock ?? systemClock;
    // defineCommand runs the scripts by EVALSHA (falling back to EVAL once per connection).
    this.redis.defineCommand("switchboardLockAcquire", { numberOfKeys: 2, lua: ACQUIRE });
    this.redis.defineCommand("switchboardLockRelease", { numberOfKeys: 1, lua: RELEASE });
    this.redis.defineCommand("switchboardLockExtend", { numberOfKeys: 1, lua: EXTEND });
  }

  async acquire(key: string, options: AcquireOptions): Promise<LockLease | null> {
    assertLockTtl(options.ttlMs);
    const ttlMs = Math.ceil(options.ttlMs);
    return waitForLock(async () => {
      const token = randomBytes(16).toString("hex");
      // Stamped before the request is sent, so the lease never claims more time than Redis grants.
      const expiresAt = this.clock.now() + ttlMs;
      const fence = await this.redis.switchboardLockAcquire(this.lockKey(key), this.fenceKey(key), token, ttlMs);
      return fence === null ? null : { key, token, fence: Number(fence), expiresAt };
    }, options);
  }

  async release(lease: LockLease): Promise<boolean> {
    return (await this.redis.switchboardLockRelease(this.lockKey(lease.key), lease.token)) === 1;
  }

  async extend(lease: LockLease, ttlMs: number): Promise<boolean> {
    assertLockTtl(ttlMs);
    const expiresAt = this.clock.now() + Math.ceil(ttlMs);
    const extended = (await this.redis.switchboardLockExtend(this.lockKey(lease.key), lease.token, Math.ceil(ttlMs))) === 1;
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
