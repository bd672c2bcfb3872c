import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

/** A Lua script run by EVALSHA, so each call sends only the script's digest. */
export class RedisScript {
  readonly sha: string;

  constructor(readonly lua: string) {
    this.sha = createHash("sha1").update(lua).digest("hex");
  }

  /**
   * Runs the script with `keys` and `args`. `onRoundTrip` is told of every request sent: one, or two
   * when Redis had not seen the script yet (first use since it started or flushed its script cache).
   */
  async run(redis: Redis, keys: string[], args: (string | number)[], onRoundTrip?: () => void): Promise<unknown> {
    onRoundTrip?.();
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      onRoundTrip?.();
      // EVAL also caches the script, so the next EVALSHA succeeds.
      return redis.eval(this.lua, keys.length, ...keys, ...args);
    }
  }
}
