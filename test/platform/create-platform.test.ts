import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/platform/clock.js";
import { createPlatform, pingRedis } from "../../src/platform/create-platform.js";
import { createTestStore, redisUrl, uniquePrefix, type TestStore } from "../helpers/test-store.js";
import { deleteRedisKeys } from "./delete-redis-keys.js";

describe("createPlatform", () => {
  let testStore: TestStore;

  beforeAll(async () => {
    testStore = await createTestStore();
  });
  afterAll(async () => {
    await testStore.destroy();
  });

  it("is embedded without a Redis URL: no Redis, jobs in the store, the injected clock", async () => {
    const clock = new ManualClock();
    const platform = await createPlatform({ store: testStore.store, clock });
    try {
      expect(platform.mode).toBe("embedded");
      expect(platform.redis).toBeUndefined();
      expect(platform.clock).toBe(clock);
      await platform.queue.enqueue("platform-embedded", "noop", {});
      const row = await testStore.store.db.selectFrom("queue_jobs").selectAll().where("queue", "=", "platform-embedded").executeTakeFirstOrThrow();
      expect(row.run_at).toBe(clock.now());
      expect(await platform.sequence.next("organization", 1_000)).toEqual({ timestamp: 1_000, sequence: 0 });
    } finally {
      await platform.close();
    }
  });

  it("stops the embedded queue's workers on close", async () => {
    const platform = await createPlatform({ store: testStore.store });
    let handled = 0;
    platform.queue.process("platform-close", async () => void handled++);
    await platform.close();
    await testStore.store.db
      .insertInto("queue_jobs")
      .values({ queue: "platform-close", name: "late", payload: "{}", state: "waiting", attempts: 0, max_attempts: 1, backoff_ms: 1, run_at: 0, created_at: "", updated_at: "" })
      .execute();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(handled).toBe(0);
  });

  describe.runIf(redisUrl)("with a Redis URL", () => {
    it("is distributed: Redis cache, lock and sequence under the key prefix, BullMQ jobs", async () => {
      const keyPrefix = uniquePrefix("platform");
      const platform = await createPlatform({ store: testStore.store, redisUrl, keyPrefix });
      const probe = new Redis(redisUrl!);
      try {
        expect(platform.mode).toBe("distributed");
        expect(platform.redis).toBeDefined();
        await pingRedis(platform.redis!);
        await platform.cache.set("k", "v", 60);
        expect(await probe.get(`${keyPrefix}cache:k`)).toBe("v");
        await platform.sequence.next("team", 1_000);
        expect(await probe.get(`${keyPrefix}snowflakeid:team:1000`)).toBe("1");
        const lease = await platform.lock.acquire("l", { ttlMs: 5_000 });
        expect(await probe.get(`${keyPrefix}lock:l`)).toBe(lease!.token);
        await platform.queue.enqueue("platform-distributed", "noop", {});
        expect(await probe.keys(`${keyPrefix}bull:platform-distributed:*`)).not.toEqual([]);
        expect(await testStore.store.db.selectFrom("queue_jobs").selectAll().where("queue", "=", "platform-distributed").execute()).toEqual([]);
      } finally {
        await platform.close();
        await probe.quit();
        await deleteRedisKeys(redisUrl!, keyPrefix);
      }
      await expect(pingRedis(platform.redis!, 200)).rejects.toThrow();
    });

    it("reports Redis as down when it does not answer", async () => {
      const unreachable = new Redis("redis://127.0.0.1:1", { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      unreachable.on("error", () => undefined);
      await expect(pingRedis(unreachable, 300)).rejects.toThrow();
      unreachable.disconnect();
    });
  });
});
