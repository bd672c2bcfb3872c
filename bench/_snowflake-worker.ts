// One process of the snowflake benchmark: waits for the common start instant, asks for its share of ids
// with one generator, and prints {ids, roundTrips, startedAt, finishedAt} as JSON.
import { Redis } from "ioredis";
import { snowflakeFor } from "../src/domain/snowflake.js";
import { RedisSequenceAllocator } from "../src/platform/sequence/redis-sequence.js";

const [kind, countText, startAtText, prefix, redisUrl] = process.argv.slice(2);
const count = Number(countText);
const startAt = Number(startAtText);
const redis = new Redis(redisUrl ?? "redis://127.0.0.1:6379");

/** Sentry's get_sequence_value_from_redis: one INCR per second looked at, EXPIRE on first use. */
async function sentryStyleSlot(now: number, counter: { roundTrips: number }, namespace = "sentry:"): Promise<{ timestamp: number; sequence: number }> {
  for (let i = 0; i < Math.min(now, 300); i++) {
    const ts = now - i;
    const key = `${prefix}${namespace}${ts}`;
    const value = (await redis.incr(key)) - 1;
    counter.roundTrips++;
    if (value === 0) {
      await redis.expire(key, 300);
      counter.roundTrips++;
    }
    if (value < 16) return { timestamp: ts, sequence: value };
  }
  throw new Error("No available ID");
}

const ours = new RedisSequenceAllocator({ redis, keyPrefix: `${prefix}ours:` });
const counter = { roundTrips: 0 };
// Both generators warm up the same way before the clock starts (script loaded, code compiled), as a
// long-running service would be: 200 ids on throw-away keys, far in the past so they share nothing.
for (let i = 0; i < 200; i++) {
  const past = 1_000_000 + (i % 150);
  if (kind === "ours") await ours.next(`warmup-${process.pid}`, past);
  else await sentryStyleSlot(past, { roundTrips: 0 }, `warmup-${process.pid}:`);
  snowflakeFor({ timestamp: Math.floor(Date.now() / 1000), sequence: i % 16 });
}
ours.roundTrips = 0;
await redis.ping();
while (Date.now() < startAt) await new Promise((r) => setTimeout(r, 1));
const startedAt = performance.timeOrigin + performance.now();
const ids: number[] = [];
for (let i = 0; i < count; i++) {
  const now = Math.floor(Date.now() / 1000);
  const slot = kind === "ours" ? await ours.next("project", now) : await sentryStyleSlot(now, counter);
  ids.push(snowflakeFor(slot));
}
const finishedAt = performance.timeOrigin + performance.now();
process.stdout.write(JSON.stringify({ ids, roundTrips: kind === "ours" ? ours.roundTrips : counter.roundTrips, startedAt, finishedAt }) + "\n");
redis.disconnect();
