import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BullmqQueue } from "../../src/platform/queue/bullmq-queue.js";
import type { Job, JobQueue } from "../../src/platform/queue/queue.js";
import { StoreQueue } from "../../src/platform/queue/store-queue.js";
import { createTestStore, redisUrl, storeMode, uniquePrefix, type TestStore } from "../helpers/test-store.js";
import { deleteRedisKeys } from "./delete-redis-keys.js";

const kinds: Array<{ name: string; make: (ts: TestStore, prefix: string) => JobQueue }> = [
  { name: `store queue (${storeMode})`, make: (ts) => new StoreQueue({ store: ts.store, pollIntervalMs: 10 }) },
  ...(redisUrl ? [{ name: "BullMQ", make: (_ts: TestStore, prefix: string) => new BullmqQueue({ redisUrl: redisUrl!, prefix }) }] : []),
];

describe.each(kinds)("enqueueMany on the $name", ({ make }) => {
  let ts: TestStore;
  let queue: JobQueue;
  const prefix = uniquePrefix("many");
  beforeAll(async () => {
    ts = await createTestStore();
    queue = make(ts, prefix);
  });
  afterAll(async () => {
    await queue.close();
    await ts.destroy();
    if (redisUrl) await deleteRedisKeys(redisUrl, prefix);
  });

  it("enqueues a batch in one call, each job once even when its key repeats or was enqueued before", async () => {
    await queue.enqueue("many", "dispatch", { n: 0 }, { dedupeKey: "k0" });
    await queue.enqueueMany("many", "dispatch", [{ payload: { n: 0 }, dedupeKey: "k0" }, { payload: { n: 1 }, dedupeKey: "k1" }, { payload: { n: 2 }, dedupeKey: "k2" }, { payload: { n: 1 }, dedupeKey: "k1" }], { maxAttempts: 3 });
    const seen: Job[] = [];
    const worker = queue.process("many", async (job) => void seen.push(job), { concurrency: 2 });
    const deadline = Date.now() + 5000;
    while (seen.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    await worker.stop();
    expect(seen.map((j) => (j.payload as { n: number }).n).sort()).toEqual([0, 1, 2]);
    expect(seen.find((j) => (j.payload as { n: number }).n === 1)?.maxAttempts).toBe(3);
  });

  it("accepts an empty batch", async () => {
    await expect(queue.enqueueMany("many", "dispatch", [])).resolves.toBeUndefined();
  });
});
