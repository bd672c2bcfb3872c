import type { Redis } from "ioredis";
import type { Cache } from "./cache.js";
import { assertTtl } from "./memory-cache.js";

export interface RedisCacheOptions {
  /** A connection owned by the caller (closing the cache leaves it open). */
  redis: Redis;
  /** Prepended to every key, so deployments and tests sharing a Redis stay apart. */
  keyPrefix?: string;
}

/** Cache on Redis (the distributed mode's cache): shared by every process of the deployment. */
export class RedisCache implements Cache {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(options: RedisCacheOptions) {
    this.redis = options.redis;
    this.prefix = `${options.keyPrefix ?? ""}cache:`;
  }

  async get(key: string): Promise<string | undefined> {
    const value = await this.redis.get(this.prefix + key);
    return value ?? undefined;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    assertTtl(ttlSeconds);
    // PX rather than EX: sub-second ttls are honoured instead of being rounded to a whole second.
    await this.redis.set(this.prefix + key, value, "PX", Math.max(1, Math.ceil(ttlSeconds * 1000)));
  }

  async delete(...keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    return this.redis.del(...keys.map((key) => this.prefix + key));
  }

  async close(): Promise<void> {
    // The connection belongs to whoever created it.
  }
}
