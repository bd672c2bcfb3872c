import { Redis } from "ioredis";
import type { Store } from "../store/database.js";
import type { Cache } from "./cache/cache.js";
import { MemoryCache } from "./cache/memory-cache.js";
import { RedisCache } from "./cache/redis-cache.js";
import { systemClock, type Clock } from "./clock.js";
import type { LockManager } from "./lock/lock.js";
import { MemoryLockManager } from "./lock/memory-lock.js";
import { RedisLockManager } from "./lock/redis-lock.js";
import type { PlatformLogger } from "./platform-logger.js";
import { BullmqQueue } from "./queue/bullmq-queue.js";
import type { JobQueue } from "./queue/queue.js";
import { StoreQueue } from "./queue/store-queue.js";
import { MemorySequenceAllocator } from "./sequence/memory-sequence.js";
import { RedisSequenceAllocator } from "./sequence/redis-sequence.js";
import type { SequenceAllocator } from "./sequence/sequence.js";

/** The adapters of one process, all embedded or all distributed. */
export interface Platform {
  mode: "embedded" | "distributed";
  cache: Cache;
  lock: LockManager;
  sequence: SequenceAllocator;
  queue: JobQueue;
  clock: Clock;
  /** The shared Redis connection of the distributed mode (for health checks); undefined when embedded. */
  redis?: Redis;
  /** Stops the queue's workers and closes every connection the platform opened (not the store). */
  close(): Promise<void>;
}

export interface CreatePlatformOptions {
  store: Store;
  /** Distributed mode when set: Redis cache, lock and sequence, BullMQ queue. */
  redisUrl?: string;
  /** Prepended to every Redis key (and to BullMQ's prefix), so deployments sharing a Redis stay apart. */
  keyPrefix?: string;
  clock?: Clock;
  logger?: PlatformLogger;
  /** How often the embedded queue's idle workers poll (default 50 ms). */
  queuePollIntervalMs?: number;
}

/** Creates the adapters: distributed when a Redis URL is configured, embedded otherwise. */
export async function createPlatform(options: CreatePlatformOptions): Promise<Platform> {
  const clock = options.clock ?? systemClock;
  if (options.redisUrl) return createDistributed(options.redisUrl, options, clock);
  const cache = new MemoryCache({ clock });
  const lock = new MemoryLockManager({ clock });
  const sequence = new MemorySequenceAllocator();
  const queue = new StoreQueue({ store: options.store, clock, logger: options.logger, pollIntervalMs: options.queuePollIntervalMs });
  return {
    mode: "embedded",
    cache,
    lock,
    sequence,
    queue,
    clock,
    redis: undefined,
    close: async () => {
      await queue.close();
      await Promise.all([cache.close(), lock.close(), sequence.close()]);
    },
  };
}

function createDistributed(redisUrl: string, options: CreatePlatformOptions, clock: Clock): Platform {
  const keyPrefix = options.keyPrefix ?? "";
  const redis = new Redis(redisUrl);
  // Without a listener ioredis prints every reconnect failure itself; /healthz reports the outage.
  let lastLogged = 0;
  redis.on("error", (error: Error) => {
    if (Date.now() - lastLogged < 10_000) return;
    lastLogged = Date.now();
    options.logger?.warn({ err: error.message }, "redis connection error");
  });
  const cache = new RedisCache({ redis, keyPrefix });
  const lock = new RedisLockManager({ redis, keyPrefix, clock });
  const sequence = new RedisSequenceAllocator({ redis, keyPrefix });
  const queue = new BullmqQueue({ redisUrl, prefix: `${keyPrefix}bull`, logger: options.logger });
  return {
    mode: "distributed",
    cache,
    lock,
    sequence,
    queue,
    clock,
    redis,
    close: async () => {
      await queue.close();
      await Promise.all([cache.close(), lock.close(), sequence.close()]);
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** Resolves when Redis answers PING within `timeoutMs`; rejects otherwise (for /healthz). */
export async function pingRedis(redis: Redis, timeoutMs = 2000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const reply = await Promise.race([redis.ping(), timeout]);
    if (reply !== "PONG") throw new Error(`Unexpected reply to PING: ${String(reply)}`);
  } finally {
    clearTimeout(timer);
  }
}
