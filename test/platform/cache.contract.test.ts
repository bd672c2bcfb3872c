import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cache } from "../../src/platform/cache/cache.js";
import { MemoryCache } from "../../src/platform/cache/memory-cache.js";
import { RedisCache } from "../../src/platform/cache/redis-cache.js";
import { ManualClock } from "../../src/platform/clock.js";
import { redisUrl, uniquePrefix } from "../helpers/test-store.js";

interface CacheFactory {
  name: string;
  /** Two caches that are separate namespaces (separate processes or prefixes). */
  open(): Promise<{ cache: Cache; other: Cache; close(): Promise<void> }>;
}

const memory: CacheFactory = {
  name: "memory",
  open: async () => {
    const cache = new MemoryCache();
    const other = new MemoryCache();
    return { cache, other, close: async () => undefined };
  },
};

const redis: CacheFactory = {
  name: "redis",
  open: async () => {
    const connection = new Redis(redisUrl!);
    const cache = new RedisCache({ redis: connection, keyPrefix: uniquePrefix("cache") });
    const other = new RedisCache({ redis: connection, keyPrefix: uniquePrefix("cache") });
    return { cache, other, close: async () => void (await connection.quit()) };
  },
};

const factories = redisUrl ? [memory, redis] : [memory];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(factories)("cache contract ($name)", (factory) => {
  let cache: Cache;
  let other: Cache;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ cache, other, close } = await factory.open());
  });
  afterAll(async () => {
    await cache.close();
    await other.close();
    await close();
  });

  it("returns undefined for a key never set", async () => {
    expect(await cache.get("never-set")).toBeUndefined();
  });

  it("returns the value it stored", async () => {
    await cache.set("greeting", "hello", 60);
    expect(await cache.get("greeting")).toBe("hello");
  });

  it("replaces a value stored again under the same key", async () => {
    await cache.set("replaced", "first", 60);
    await cache.set("replaced", "second", 60);
    expect(await cache.get("replaced")).toBe("second");
  });

  it("keeps values byte for byte (empty, unicode, JSON)", async () => {
    const values = ["", "żółw 🐢", JSON.stringify({ a: [1, "two", null] })];
    for (const [i, value] of values.entries()) await cache.set(`exact-${i}`, value, 60);
    for (const [i, value] of values.entries()) expect(await cache.get(`exact-${i}`)).toBe(value);
  });

  it("forgets a value once its ttl has passed", async () => {
    await cache.set("short-lived", "x", 0.1);
    await cache.set("long-lived", "y", 60);
    expect(await cache.get("short-lived")).toBe("x");
    await sleep(200);
    expect(await cache.get("short-lived")).toBeUndefined();
    expect(await cache.get("long-lived")).toBe("y");
  });

  it("deletes keys and reports how many existed", async () => {
    await cache.set("del-a", "1", 60);
    await cache.set("del-b", "2", 60);
    expect(await cache.delete("del-a", "del-b", "del-missing")).toBe(2);
    expect(await cache.get("del-a")).toBeUndefined();
    expect(await cache.get("del-b")).toBeUndefined();
    expect(await cache.delete("del-a")).toBe(0);
    expect(await cache.delete()).toBe(0);
  });

  it("does not count an expired key as deleted", async () => {
    await cache.set("expired-del", "1", 0.05);
    await sleep(120);
    expect(await cache.delete("expired-del")).toBe(0);
  });

  it("rejects a ttl that is not positive", async () => {
    await expect(cache.set("bad-ttl", "x", 0)).rejects.toThrow(/ttl/);
    await expect(cache.set("bad-ttl", "x", -1)).rejects.toThrow(/ttl/);
  });

  it("keeps separate namespaces apart", async () => {
    await cache.set("shared-name", "mine", 60);
    expect(await other.get("shared-name")).toBeUndefined();
    await other.set("shared-name", "theirs", 60);
    expect(await cache.get("shared-name")).toBe("mine");
  });
});

describe("memory cache (embedded only)", () => {
  it("evicts the least recently used entry beyond maxEntries", async () => {
    const cache = new MemoryCache({ maxEntries: 2 });
    await cache.set("a", "1", 60);
    await cache.set("b", "2", 60);
    expect(await cache.get("a")).toBe("1"); // a is now more recent than b
    await cache.set("c", "3", 60);
    expect(await cache.get("b")).toBeUndefined();
    expect(await cache.get("a")).toBe("1");
    expect(await cache.get("c")).toBe("3");
  });

  it("evicts expired entries before live ones", async () => {
    const clock = new ManualClock();
    const cache = new MemoryCache({ maxEntries: 2, clock });
    await cache.set("stale", "1", 1);
    await cache.set("live", "2", 60);
    clock.advance(2_000);
    await cache.set("new", "3", 60);
    expect(await cache.get("live")).toBe("2");
    expect(await cache.get("new")).toBe("3");
  });

  it("expires entries by the injected clock", async () => {
    const clock = new ManualClock();
    const cache = new MemoryCache({ clock });
    await cache.set("k", "v", 10);
    clock.advance(9_999);
    expect(await cache.get("k")).toBe("v");
    clock.advance(1);
    expect(await cache.get("k")).toBeUndefined();
  });
});
