import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAppError } from "../../src/domain/errors.js";
import { MemorySequenceAllocator } from "../../src/platform/sequence/memory-sequence.js";
import { RedisSequenceAllocator } from "../../src/platform/sequence/redis-sequence.js";
import { LOOK_BACK_SECONDS, MAX_SEQUENCE, type SequenceAllocator, type SequenceSlot } from "../../src/platform/sequence/sequence.js";
import { redisUrl, uniquePrefix } from "../helpers/test-store.js";

interface SequenceFactory {
  name: string;
  /**
   * Two allocators sharing counters: two Redis connections ("processes") in the distributed mode,
   * the one in-process allocator twice in the embedded mode.
   */
  open(): Promise<{ sequence: SequenceAllocator; peer: SequenceAllocator; close(): Promise<void> }>;
}

const memory: SequenceFactory = {
  name: "memory",
  open: async () => {
    const sequence = new MemorySequenceAllocator();
    return { sequence, peer: sequence, close: () => sequence.close() };
  },
};

const redis: SequenceFactory = {
  name: "redis",
  open: async () => {
    const keyPrefix = uniquePrefix("seq");
    const first = new Redis(redisUrl!);
    const second = new Redis(redisUrl!);
    return {
      sequence: new RedisSequenceAllocator({ redis: first, keyPrefix }),
      peer: new RedisSequenceAllocator({ redis: second, keyPrefix }),
      close: async () => {
        await Promise.all([first.quit(), second.quit()]);
      },
    };
  },
};

const factories = redisUrl ? [memory, redis] : [memory];

// A fixed "now" far from the epoch, so the full 300-second look-back is available.
const NOW = 1_767_225_600;

async function take(allocator: SequenceAllocator, model: string, now: number, count: number): Promise<SequenceSlot[]> {
  const slots: SequenceSlot[] = [];
  for (let i = 0; i < count; i++) slots.push(await allocator.next(model, now));
  return slots;
}

describe.each(factories)("sequence contract ($name)", (factory) => {
  let sequence: SequenceAllocator;
  let peer: SequenceAllocator;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ sequence, peer, close } = await factory.open());
  });
  afterAll(async () => {
    await close();
  });

  it("gives the 16 ids of one second the sequences 0..15 of that second", async () => {
    const slots = await take(sequence, "sixteen", NOW, MAX_SEQUENCE);
    expect(slots).toEqual(Array.from({ length: 16 }, (_, i) => ({ timestamp: NOW, sequence: i })));
  });

  it("lends the 17th id of a second the previous second with sequence 0", async () => {
    await take(sequence, "seventeenth", NOW, 16);
    expect(await sequence.next("seventeenth", NOW)).toEqual({ timestamp: NOW - 1, sequence: 0 });
    expect(await sequence.next("seventeenth", NOW)).toEqual({ timestamp: NOW - 1, sequence: 1 });
  });

  it("goes back to the current second first once a new second starts", async () => {
    await take(sequence, "next-second", NOW, 17);
    expect(await sequence.next("next-second", NOW + 1)).toEqual({ timestamp: NOW + 1, sequence: 0 });
  });

  it("uses a borrowed second's remaining sequences before looking further back", async () => {
    // Sequences of NOW-1 already partly used by its own second.
    await take(sequence, "partly-used", NOW - 1, 10);
    await take(sequence, "partly-used", NOW, 16);
    const borrowed = await take(sequence, "partly-used", NOW, 7);
    expect(borrowed.slice(0, 6)).toEqual(Array.from({ length: 6 }, (_, i) => ({ timestamp: NOW - 1, sequence: 10 + i })));
    expect(borrowed[6]).toEqual({ timestamp: NOW - 2, sequence: 0 });
  });

  it("throws \"No available ID\" once all 300 seconds of the look-back are used up", async () => {
    const slots = await take(sequence, "exhausted", NOW, LOOK_BACK_SECONDS * MAX_SEQUENCE);
    expect(new Set(slots.map((s) => `${s.timestamp}:${s.sequence}`)).size).toBe(4_800);
    expect(Math.min(...slots.map((s) => s.timestamp))).toBe(NOW - LOOK_BACK_SECONDS + 1);
    const error = await sequence.next("exhausted", NOW).catch((e: unknown) => e);
    expect(isAppError(error, "snowflake_no_available_id")).toBe(true);
    expect((error as Error).message).toBe("No available ID");
  });

  it("looks back no further than the epoch second 1 when now is under 300 seconds", async () => {
    const slots = await take(sequence, "near-epoch", 5, 5 * MAX_SEQUENCE);
    expect(Math.min(...slots.map((s) => s.timestamp))).toBe(1);
    await expect(sequence.next("near-epoch", 5)).rejects.toThrow("No available ID");
  });

  it("keeps separate counters for separate models", async () => {
    await take(sequence, "model-a", NOW, 16);
    expect(await sequence.next("model-b", NOW)).toEqual({ timestamp: NOW, sequence: 0 });
    expect(await sequence.next("model-a", NOW)).toEqual({ timestamp: NOW - 1, sequence: 0 });
  });

  it("never gives the same (timestamp, sequence) twice to concurrent callers of two allocators", async () => {
    const calls = Array.from({ length: 200 }, (_, i) => (i % 2 ? sequence : peer).next("contended", NOW));
    const slots = await Promise.all(calls);
    const distinct = new Set(slots.map((s) => `${s.timestamp}:${s.sequence}`));
    expect(distinct.size).toBe(200);
    for (const slot of slots) {
      expect(slot.sequence).toBeGreaterThanOrEqual(0);
      expect(slot.sequence).toBeLessThan(MAX_SEQUENCE);
      expect(slot.timestamp).toBeLessThanOrEqual(NOW);
    }
    // 200 ids at 16 a second fill the 12 newest seconds and 8 of the 13th, with no gaps.
    expect(Math.min(...slots.map((s) => s.timestamp))).toBe(NOW - 12);
  });
});

describe.runIf(redisUrl)("redis sequence (distributed only)", () => {
  let connection: Redis;
  let allocator: RedisSequenceAllocator;
  let keyPrefix: string;

  beforeAll(() => {
    connection = new Redis(redisUrl!);
    keyPrefix = uniquePrefix("seq");
    allocator = new RedisSequenceAllocator({ redis: connection, keyPrefix });
  });
  afterAll(async () => {
    await connection.quit();
  });

  it("costs exactly one round trip per id, however far it looks back", async () => {
    await allocator.next("round-trips", NOW); // Redis may not know the script yet: EVALSHA + EVAL once.
    const before = allocator.roundTrips;
    await take(allocator, "round-trips", NOW, 100);
    expect(allocator.roundTrips - before).toBe(100);
  });

  it("keys counters by model and second, expiring them 300 s after first use", async () => {
    await allocator.next("organization", NOW);
    const key = `${keyPrefix}snowflakeid:organization:${NOW}`;
    expect(await connection.get(key)).toBe("1");
    const ttl = await connection.ttl(key);
    expect(ttl).toBeGreaterThan(LOOK_BACK_SECONDS - 5);
    expect(ttl).toBeLessThanOrEqual(LOOK_BACK_SECONDS);
  });

  it("recovers when Redis forgets the script", async () => {
    await connection.script("FLUSH");
    expect(await allocator.next("after-flush", NOW)).toEqual({ timestamp: NOW, sequence: 0 });
  });
});
