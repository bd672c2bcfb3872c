import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { BullmqQueue } from "../../src/platform/queue/bullmq-queue.js";
import type { Job, JobQueue, QueueWorker } from "../../src/platform/queue/queue.js";
import { StoreQueue } from "../../src/platform/queue/store-queue.js";
import type { Store } from "../../src/store/database.js";
import { createTestStore, redisUrl, storeMode, uniquePrefix, type TestStore } from "../helpers/test-store.js";
import { deleteRedisKeys } from "./delete-redis-keys.js";

interface QueueFactory {
  name: string;
  /** A queue, and a way to open another consumer of the same jobs (another process's view). */
  open(): Promise<{ queue: JobQueue; another(): Promise<JobQueue>; close(): Promise<void> }>;
}

const storeQueue: QueueFactory = {
  name: `store queue on ${storeMode}`,
  open: async () => {
    const testStore = await createTestStore();
    const others: { queue: JobQueue; store: Store }[] = [];
    const queue = new StoreQueue({ store: testStore.store, pollIntervalMs: 10 });
    return {
      queue,
      another: async () => {
        const store = await testStore.reopen();
        const queue = new StoreQueue({ store, pollIntervalMs: 10 });
        others.push({ queue, store });
        return queue;
      },
      close: async () => {
        await queue.close();
        for (const other of others) {
          await other.queue.close();
          await other.store.close();
        }
        await testStore.destroy();
      },
    };
  },
};

const bullmq: QueueFactory = {
  name: "bullmq",
  open: async () => {
    const prefix = uniquePrefix("bull");
    const others: JobQueue[] = [];
    const queue = new BullmqQueue({ redisUrl: redisUrl!, prefix });
    return {
      queue,
      another: async () => {
        const queue = new BullmqQueue({ redisUrl: redisUrl!, prefix });
        others.push(queue);
        return queue;
      },
      close: async () => {
        await Promise.all([queue, ...others].map((q) => q.close()));
        // BullMQ keeps completed and failed jobs; a test run leaves none behind.
        await deleteRedisKeys(redisUrl!, prefix);
      },
    };
  },
};

const factories = redisUrl ? [storeQueue, bullmq] : [storeQueue];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const eventually = (assertion: () => Promise<void> | void, timeout = 5_000) => vi.waitFor(assertion, { timeout, interval: 10 });
const freshName = () => `q-${randomBytes(4).toString("hex")}`;

/** A promise with its resolve function, for handlers that must wait for the test. */
function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe.each(factories)("queue contract ($name)", (factory) => {
  let queue: JobQueue;
  let another: () => Promise<JobQueue>;
  let close: () => Promise<void>;
  const workers: QueueWorker[] = [];
  const consume = (target: JobQueue, name: string, handler: (job: Job) => Promise<void>, concurrency?: number) => {
    const worker = target.process(name, handler, concurrency ? { concurrency } : {});
    workers.push(worker);
    return worker;
  };

  beforeAll(async () => {
    ({ queue, another, close } = await factory.open());
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.stop()));
  });
  afterAll(async () => {
    await close();
  });

  it("delivers a job with its name and payload, then marks it completed", async () => {
    const name = freshName();
    const seen: Job[] = [];
    const id = await queue.enqueue(name, "greet", { to: "ada", n: [1, 2] }, { maxAttempts: 3 });
    consume(queue, name, async (job) => void seen.push(job));
    await eventually(async () => expect(await queue.counts(name)).toEqual({ waiting: 0, active: 0, completed: 1, dead: 0 }));
    expect(seen).toEqual([{ id, queue: name, name: "greet", payload: { to: "ada", n: [1, 2] }, attempt: 1, maxAttempts: 3 }]);
  });

  it("counts jobs waiting for a consumer", async () => {
    const name = freshName();
    await queue.enqueue(name, "a", {});
    await queue.enqueue(name, "b", {}, { delayMs: 60_000 });
    expect(await queue.counts(name)).toEqual({ waiting: 2, active: 0, completed: 0, dead: 0 });
  });

  it("retries a failing job with growing delays, then dead-letters it with its last error and attempt count", async () => {
    const name = freshName();
    const attempts: { attempt: number; at: number }[] = [];
    const id = await queue.enqueue(name, "flaky", { k: 1 }, { maxAttempts: 4, backoffMs: 40 });
    consume(queue, name, async (job) => {
      attempts.push({ attempt: job.attempt, at: performance.now() });
      throw new Error(`upstream said no (attempt ${job.attempt})`);
    });
    await eventually(async () => expect((await queue.counts(name)).dead).toBe(1));
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
    const gaps = attempts.slice(1).map((a, i) => a.at - attempts[i]!.at);
    // backoffMs * 2^(attempt-1): at least 40, 80, 160 ms between attempts (a timer may fire a hair early).
    expect(gaps[0]).toBeGreaterThanOrEqual(38);
    expect(gaps[1]).toBeGreaterThanOrEqual(78);
    expect(gaps[2]).toBeGreaterThanOrEqual(158);
    expect(await queue.deadLetters(name)).toEqual([
      { id, queue: name, name: "flaky", payload: { k: 1 }, attempts: 4, lastError: "upstream said no (attempt 4)" },
    ]);
    expect(await queue.counts(name)).toEqual({ waiting: 0, active: 0, completed: 0, dead: 1 });
  });

  it("keeps only the error's message as the last error", async () => {
    const name = freshName();
    await queue.enqueue(name, "leaky", {}, { maxAttempts: 1 });
    consume(queue, name, async () => {
      throw Object.assign(new Error("request failed"), { config: { headers: { authorization: "Bearer s3cr3t" } } });
    });
    await eventually(async () => expect(await queue.deadLetters(name)).toHaveLength(1));
    const [dead] = await queue.deadLetters(name);
    expect(dead!.lastError).toBe("request failed");
  });

  it("runs a dead job again, with a fresh set of attempts, when it is retried", async () => {
    const name = freshName();
    let healthy = false;
    const attempts: number[] = [];
    const id = await queue.enqueue(name, "recovering", {}, { maxAttempts: 2, backoffMs: 5 });
    consume(queue, name, async (job) => {
      attempts.push(job.attempt);
      if (!healthy) throw new Error("still down");
    });
    await eventually(async () => expect((await queue.counts(name)).dead).toBe(1));
    healthy = true;
    expect(await queue.retryDead(name, id)).toBe(true);
    await eventually(async () => expect(await queue.counts(name)).toEqual({ waiting: 0, active: 0, completed: 1, dead: 0 }));
    expect(attempts).toEqual([1, 2, 1]);
    expect(await queue.deadLetters(name)).toEqual([]);
  });

  it("refuses to retry a job that is not dead", async () => {
    const name = freshName();
    const id = await queue.enqueue(name, "fine", {});
    expect(await queue.retryDead(name, id)).toBe(false);
    consume(queue, name, async () => undefined);
    await eventually(async () => expect((await queue.counts(name)).completed).toBe(1));
    expect(await queue.retryDead(name, id)).toBe(false);
    expect(await queue.retryDead(name, "12345678")).toBe(false);
    expect(await queue.retryDead(name, "no-such-job")).toBe(false);
  });

  it("enqueues a job once per dedupe key", async () => {
    const name = freshName();
    const first = await queue.enqueue(name, "sync", { v: 1 }, { dedupeKey: "group:42:assignee" });
    const second = await queue.enqueue(name, "sync", { v: 2 }, { dedupeKey: "group:42:assignee" });
    const other = await queue.enqueue(name, "sync", { v: 3 }, { dedupeKey: "group:43:assignee" });
    expect(second).toBe(first);
    expect(other).not.toBe(first);
    expect(await queue.counts(name)).toEqual({ waiting: 2, active: 0, completed: 0, dead: 0 });
    const payloads: unknown[] = [];
    consume(queue, name, async (job) => void payloads.push(job.payload));
    await eventually(async () => expect((await queue.counts(name)).completed).toBe(2));
    expect(payloads).toHaveLength(2);
    expect(payloads).toEqual(expect.arrayContaining([{ v: 1 }, { v: 3 }]));
  });

  it("enqueues a job once per dedupe key when two producers race", async () => {
    const name = freshName();
    const other = await another();
    const ids = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? queue : other).enqueue(name, "race", {}, { dedupeKey: "once" })));
    expect(new Set(ids).size).toBe(1);
    expect((await queue.counts(name)).waiting).toBe(1);
  });

  it("runs up to `concurrency` jobs at once, and no more", async () => {
    const name = freshName();
    const release = gate();
    let running = 0;
    let maxRunning = 0;
    const reachedThree = gate();
    for (let i = 0; i < 6; i++) await queue.enqueue(name, "slow", { i });
    consume(
      queue,
      name,
      async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        if (running === 3) reachedThree.open();
        await release.promise;
        running--;
      },
      3,
    );
    await reachedThree.promise;
    await sleep(100); // room for a fourth to start, if the worker would allow it
    expect(maxRunning).toBe(3);
    expect((await queue.counts(name)).active).toBe(3);
    release.open();
    await eventually(async () => expect((await queue.counts(name)).completed).toBe(6));
    expect(maxRunning).toBe(3);
  });

  it("holds a delayed job until its delay has passed", async () => {
    const name = freshName();
    const enqueuedAt = performance.now();
    let startedAt = 0;
    await queue.enqueue(name, "later", {}, { delayMs: 150 });
    consume(queue, name, async () => void (startedAt = performance.now()));
    await eventually(async () => expect((await queue.counts(name)).completed).toBe(1));
    expect(startedAt - enqueuedAt).toBeGreaterThanOrEqual(148);
  });

  it("delivers each job to one consumer when two compete", async () => {
    const name = freshName();
    const other = await another();
    const deliveries = new Map<string, number>();
    const handler = async (job: Job) => {
      deliveries.set(job.id, (deliveries.get(job.id) ?? 0) + 1);
      await sleep(2);
    };
    consume(queue, name, handler, 2);
    consume(other, name, handler, 2);
    for (let i = 0; i < 30; i++) await queue.enqueue(name, "shared", { i });
    await eventually(async () => expect((await queue.counts(name)).completed).toBe(30), 10_000);
    expect(deliveries.size).toBe(30);
    expect([...deliveries.values()].every((count) => count === 1)).toBe(true);
  });

  it("drains on stop: the running handler finishes and its job is completed", async () => {
    const name = freshName();
    const started = gate();
    let finished = false;
    await queue.enqueue(name, "long", {});
    const worker = queue.process(name, async () => {
      started.open();
      await sleep(150);
      finished = true;
    });
    await started.promise;
    await worker.stop();
    expect(finished).toBe(true);
    expect(await queue.counts(name)).toEqual({ waiting: 0, active: 0, completed: 1, dead: 0 });
  });

  it("takes no new job after stop", async () => {
    const name = freshName();
    let handled = 0;
    const worker = queue.process(name, async () => void handled++);
    await worker.stop();
    await queue.enqueue(name, "ignored", {});
    await sleep(100);
    expect(handled).toBe(0);
    expect((await queue.counts(name)).waiting).toBe(1);
  });
});

describe(`store queue on ${storeMode} (embedded only)`, () => {
  let testStore: TestStore;
  let queue: StoreQueue;
  const workers: QueueWorker[] = [];

  beforeAll(async () => {
    testStore = await createTestStore();
    queue = new StoreQueue({ store: testStore.store, pollIntervalMs: 10, leaseMs: 150 });
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.stop()));
  });
  afterAll(async () => {
    await queue.close();
    await testStore.destroy();
  });

  /** What a worker that claimed the job and then died leaves behind: an active row with a lease. */
  async function crashWhileRunning(id: string, attempts: number): Promise<void> {
    await testStore.store.db
      .updateTable("queue_jobs")
      .set({ state: "active", attempts, locked_by: "crashed-worker", locked_until: Date.now() + 150 })
      .where("id", "=", Number(id))
      .execute();
  }

  it("redelivers the job of a worker that crashed once its lease expires", async () => {
    const name = freshName();
    const id = await queue.enqueue(name, "orphan", { x: 1 }, { maxAttempts: 3 });
    await crashWhileRunning(id, 1);
    const seen: Job[] = [];
    workers.push(queue.process(name, async (job) => void seen.push(job)));
    await sleep(60);
    expect(seen).toEqual([]); // still leased to the crashed worker
    await eventually(async () => expect((await queue.counts(name)).completed).toBe(1));
    expect(seen).toEqual([{ id, queue: name, name: "orphan", payload: { x: 1 }, attempt: 2, maxAttempts: 3 }]);
  });

  it("claims the job due first, a crashed worker's lapsed job included, whatever the completed jobs before it", async () => {
    const name = freshName();
    for (let i = 0; i < 3; i++) {
      const done = await queue.enqueue(name, "done", {});
      const row = await queue.claim(name, "t");
      await queue.settle(row!, "t", null);
      expect(String(row!.id)).toBe(done);
    }
    const later = await queue.enqueue(name, "later", {});
    const orphan = await queue.enqueue(name, "orphan", {});
    // The orphan was claimed earlier than `later` became due, by a worker whose lease has now lapsed.
    await testStore.store.db.updateTable("queue_jobs").set({ state: "active", attempts: 1, locked_by: "gone", locked_until: Date.now() - 1, run_at: Date.now() - 60_000 }).where("id", "=", Number(orphan)).execute();
    const first = await queue.claim(name, "t2");
    const second = await queue.claim(name, "t2");
    expect([String(first!.id), String(second!.id)]).toEqual([orphan, later]);
    expect(await queue.claim(name, "t2")).toBeUndefined();
  });

  it("dead-letters a job whose last attempt crashed, instead of running it past maxAttempts", async () => {
    const name = freshName();
    const id = await queue.enqueue(name, "orphan", {}, { maxAttempts: 2 });
    await crashWhileRunning(id, 2);
    let handled = 0;
    workers.push(queue.process(name, async () => void handled++));
    await eventually(async () => expect((await queue.counts(name)).dead).toBe(1));
    expect(handled).toBe(0);
    const [dead] = await queue.deadLetters(name);
    expect(dead!.attempts).toBe(2);
    expect(dead!.lastError).toMatch(/stopped before finishing/);
  });

  it("keeps renewing the lease of a handler that runs longer than the lease", async () => {
    const name = freshName();
    const other = new StoreQueue({ store: testStore.store, pollIntervalMs: 10, leaseMs: 150 });
    let deliveries = 0;
    const handler = async () => {
      deliveries++;
      await sleep(450);
    };
    await queue.enqueue(name, "slow", {});
    workers.push(queue.process(name, handler), other.process(name, handler));
    await eventually(async () => expect((await queue.counts(name)).completed).toBe(1));
    expect(deliveries).toBe(1);
    await other.close();
  });

  it("wakes its worker at once on a local enqueue instead of waiting for the next poll", async () => {
    const lazy = new StoreQueue({ store: testStore.store, pollIntervalMs: 60_000 });
    const name = freshName();
    let handled = false;
    workers.push(lazy.process(name, async () => void (handled = true)));
    await sleep(20); // the worker has found nothing and is asleep for a minute
    await lazy.enqueue(name, "now", {});
    await eventually(() => expect(handled).toBe(true), 2_000);
    await lazy.close();
  });
});
