import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/platform/clock.js";
import type { LockManager } from "../../src/platform/lock/lock.js";
import { MemoryLockManager } from "../../src/platform/lock/memory-lock.js";
import { RedisLockManager } from "../../src/platform/lock/redis-lock.js";
import { redisUrl, uniquePrefix } from "../helpers/test-store.js";
import { deleteRedisKeys } from "./delete-redis-keys.js";

interface LockFactory {
  name: string;
  /**
   * Two managers that contend for the same keys: two Redis connections ("processes") in the
   * distributed mode, the one in-process manager twice in the embedded mode.
   */
  open(): Promise<{ locks: LockManager; peer: LockManager; close(): Promise<void> }>;
}

const memory: LockFactory = {
  name: "memory",
  open: async () => {
    const locks = new MemoryLockManager();
    return { locks, peer: locks, close: () => locks.close() };
  },
};

const redis: LockFactory = {
  name: "redis",
  open: async () => {
    const keyPrefix = uniquePrefix("lock");
    const first = new Redis(redisUrl!);
    const second = new Redis(redisUrl!);
    return {
      locks: new RedisLockManager({ redis: first, keyPrefix }),
      peer: new RedisLockManager({ redis: second, keyPrefix }),
      close: async () => {
        await Promise.all([first.quit(), second.quit()]);
        // Fence counters never expire by design.
        await deleteRedisKeys(redisUrl!, keyPrefix);
      },
    };
  },
};

const factories = redisUrl ? [memory, redis] : [memory];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(factories)("lock contract ($name)", (factory) => {
  let locks: LockManager;
  let peer: LockManager;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ locks, peer, close } = await factory.open());
  });
  afterAll(async () => {
    await close();
  });

  it("grants a free lock with a token, a fence and an expiry", async () => {
    const before = Date.now();
    const lease = await locks.acquire("free", { ttlMs: 1_000 });
    expect(lease).not.toBeNull();
    expect(lease!.key).toBe("free");
    expect(lease!.token).toMatch(/.{16,}/);
    expect(lease!.fence).toBeGreaterThan(0);
    expect(lease!.expiresAt).toBeGreaterThanOrEqual(before + 1_000);
    expect(await locks.isHeld(lease!)).toBe(true);
  });

  it("refuses a held lock to anyone else until it is released", async () => {
    const first = await locks.acquire("exclusive", { ttlMs: 5_000 });
    expect(first).not.toBeNull();
    expect(await peer.acquire("exclusive", { ttlMs: 5_000 })).toBeNull();
    expect(await locks.acquire("exclusive", { ttlMs: 5_000 })).toBeNull();
    expect(await locks.release(first!)).toBe(true);
    const second = await peer.acquire("exclusive", { ttlMs: 5_000 });
    expect(second).not.toBeNull();
    expect(await locks.isHeld(first!)).toBe(false);
    expect(await peer.release(second!)).toBe(true);
  });

  it("lets only one of many concurrent contenders into the critical section at a time", async () => {
    let inside = 0;
    let maxInside = 0;
    let entries = 0;
    const contender = async (manager: LockManager) => {
      const lease = await manager.acquire("contended", { ttlMs: 5_000, waitMs: 10_000, retryDelayMs: 5 });
      expect(lease).not.toBeNull();
      inside++;
      entries++;
      maxInside = Math.max(maxInside, inside);
      await sleep(5);
      inside--;
      expect(await manager.release(lease!)).toBe(true);
    };
    await Promise.all(Array.from({ length: 12 }, (_, i) => contender(i % 2 ? locks : peer)));
    expect(entries).toBe(12);
    expect(maxInside).toBe(1);
  });

  it("keeps different keys independent", async () => {
    const a = await locks.acquire("independent-a", { ttlMs: 5_000 });
    const b = await peer.acquire("independent-b", { ttlMs: 5_000 });
    expect(a).not.toBeNull();
    expect(b).not.toBeNull();
    await locks.release(a!);
    await peer.release(b!);
  });

  it("refuses release by a holder whose lease lapsed", async () => {
    const stale = await locks.acquire("lapsed", { ttlMs: 80 });
    expect(stale).not.toBeNull();
    await sleep(150);
    const fresh = await peer.acquire("lapsed", { ttlMs: 5_000 });
    expect(fresh).not.toBeNull();
    expect(await locks.release(stale!)).toBe(false);
    expect(await peer.isHeld(fresh!)).toBe(true);
    expect(await locks.acquire("lapsed", { ttlMs: 5_000 })).toBeNull();
    expect(await peer.release(fresh!)).toBe(true);
  });

  it("refuses extension by a holder whose lease lapsed", async () => {
    const stale = await locks.acquire("lapsed-extend", { ttlMs: 80 });
    await sleep(150);
    const fresh = await peer.acquire("lapsed-extend", { ttlMs: 5_000 });
    expect(fresh).not.toBeNull();
    expect(await locks.extend(stale!, 10_000)).toBe(false);
    expect(await locks.isHeld(stale!)).toBe(false);
    expect(await peer.isHeld(fresh!)).toBe(true);
    expect(await peer.release(fresh!)).toBe(true);
  });

  it("refuses extension of a lease that lapsed even when no one took the lock", async () => {
    const stale = await locks.acquire("lapsed-alone", { ttlMs: 50 });
    await sleep(120);
    expect(await locks.extend(stale!, 10_000)).toBe(false);
    expect(await locks.isHeld(stale!)).toBe(false);
  });

  it("keeps an extended lock past its first ttl", async () => {
    const lease = await locks.acquire("extended", { ttlMs: 100 });
    expect(await locks.extend(lease!, 5_000)).toBe(true);
    expect(lease!.expiresAt).toBeGreaterThan(Date.now() + 4_000);
    await sleep(180);
    expect(await locks.isHeld(lease!)).toBe(true);
    expect(await peer.acquire("extended", { ttlMs: 5_000 })).toBeNull();
    expect(await locks.release(lease!)).toBe(true);
  });

  it("refuses a second release of the same lease", async () => {
    const lease = await locks.acquire("twice", { ttlMs: 5_000 });
    expect(await locks.release(lease!)).toBe(true);
    expect(await locks.release(lease!)).toBe(false);
  });

  it("issues strictly increasing fences across holders and managers", async () => {
    const fences: number[] = [];
    for (let i = 0; i < 6; i++) {
      const manager = i % 2 ? peer : locks;
      const lease = await manager.acquire("fenced", { ttlMs: 5_000 });
      fences.push(lease!.fence);
      await manager.release(lease!);
    }
    // Also across a takeover of a lapsed lock.
    const lapsing = await locks.acquire("fenced", { ttlMs: 50 });
    fences.push(lapsing!.fence);
    await sleep(120);
    const takeover = await peer.acquire("fenced", { ttlMs: 5_000 });
    fences.push(takeover!.fence);
    await peer.release(takeover!);
    for (let i = 1; i < fences.length; i++) expect(fences[i]).toBeGreaterThan(fences[i - 1]!);
  });

  it("blocks others only until the ttl of a holder that crashed without releasing", async () => {
    const crashed = await locks.acquire("crashed", { ttlMs: 150 });
    expect(crashed).not.toBeNull();
    expect(await peer.acquire("crashed", { ttlMs: 5_000 })).toBeNull();
    const next = await peer.acquire("crashed", { ttlMs: 5_000, waitMs: 5_000, retryDelayMs: 10 });
    expect(next).not.toBeNull();
    expect(next!.fence).toBeGreaterThan(crashed!.fence);
    expect(await locks.isHeld(crashed!)).toBe(false);
    await peer.release(next!);
  });

  it("hands the lock to a waiting contender once the holder releases it", async () => {
    const holder = await locks.acquire("handover", { ttlMs: 5_000 });
    const waiting = peer.acquire("handover", { ttlMs: 5_000, waitMs: 5_000, retryDelayMs: 10 });
    await sleep(50);
    await locks.release(holder!);
    const lease = await waiting;
    expect(lease).not.toBeNull();
    await peer.release(lease!);
  });

  it("gives up with null when the lock stays busy for waitMs", async () => {
    const holder = await locks.acquire("busy", { ttlMs: 10_000 });
    const started = Date.now();
    expect(await peer.acquire("busy", { ttlMs: 1_000, waitMs: 100, retryDelayMs: 10 })).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    expect(await locks.isHeld(holder!)).toBe(true);
    await locks.release(holder!);
  });

  it("rejects a ttl that is not positive", async () => {
    await expect(locks.acquire("bad-ttl", { ttlMs: 0 })).rejects.toThrow(/ttl/);
  });
});

describe("memory lock (embedded only)", () => {
  it("lapses by the injected clock", async () => {
    const clock = new ManualClock();
    const locks = new MemoryLockManager({ clock });
    const lease = await locks.acquire("k", { ttlMs: 1_000 });
    expect(lease!.expiresAt).toBe(clock.now() + 1_000);
    clock.advance(999);
    expect(await locks.acquire("k", { ttlMs: 1_000 })).toBeNull();
    clock.advance(1);
    expect(await locks.isHeld(lease!)).toBe(false);
    const next = await locks.acquire("k", { ttlMs: 1_000 });
    expect(next!.fence).toBe(lease!.fence + 1);
  });
});
