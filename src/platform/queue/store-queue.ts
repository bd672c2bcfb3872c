import { randomUUID } from "node:crypto";
import { sql, type Selectable } from "kysely";
import type { Store } from "../../store/database.js";
import type { QueueJobsTable } from "../../store/schema.js";
import { systemClock, type Clock } from "../clock.js";
import type { PlatformLogger } from "../platform-logger.js";
import { jobErrorMessage } from "./job-error-message.js";
import type { DeadJob, EnqueueOptions, Job, JobHandler, JobQueue, ManyJob, ProcessOptions, QueueCounts, QueueWorker } from "./queue.js";

type JobRow = Selectable<QueueJobsTable>;

export interface StoreQueueOptions {
  /** The store holding the `queue_jobs` table (SQLite or PostgreSQL); the queue does not close it. */
  store: Store;
  clock?: Clock;
  /** How often an idle worker looks for due jobs (default 50 ms); local enqueues wake it at once. */
  pollIntervalMs?: number;
  /** How long a claimed job stays hidden from other workers; renewed while the handler runs (default 10 s: a killed worker's jobs return that soon). */
  leaseMs?: number;
  logger?: PlatformLogger;
}

/** The embedded job queue: rows of `queue_jobs` claimed with a lease by in-process workers. */
export class StoreQueue implements JobQueue {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;
  private readonly logger: PlatformLogger | undefined;
  private readonly workers = new Set<StoreQueueWorker>();
  private closed = false;

  constructor(options: StoreQueueOptions) {
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
    this.leaseMs = options.leaseMs ?? 10_000;
    this.logger = options.logger;
  }

  async enqueue(queue: string, name: string, payload: unknown, options: EnqueueOptions = {}): Promise<string> {
    const now = this.clock.now();
    const stamp = new Date(now).toISOString();
    const maxAttempts = positiveInteger(options.maxAttempts ?? 5, "maxAttempts");
    const dedupeKey = options.dedupeKey ?? null;
    const inserted = await this.store.db
      .insertInto("queue_jobs")
      .values({
        queue,
        name,
        payload: JSON.stringify(payload ?? null),
        state: "waiting",
        attempts: 0,
        max_attempts: maxAttempts,
        backoff_ms: Math.max(0, options.backoffMs ?? 1000),
        run_at: now + Math.max(0, options.delayMs ?? 0),
        dedupe_key: dedupeKey,
        created_at: stamp,
        updated_at: stamp,
      })
      // The unique (queue, dedupe_key) index decides, so two processes enqueueing at once still get one job.
      .onConflict((conflict) => conflict.columns(["queue", "dedupe_key"]).doNothing())
      .returning("id")
      .executeTakeFirst();
    let id = inserted?.id;
    if (id === undefined && dedupeKey !== null) {
      const existing = await this.store.db
        .selectFrom("queue_jobs")
        .select("id")
        .where("queue", "=", queue)
        .where("dedupe_key", "=", dedupeKey)
        .executeTakeFirstOrThrow();
      id = existing.id;
    }
    if (id === undefined) throw new Error(`Job ${name} was not enqueued in ${queue}`);
    for (const worker of this.workers) if (worker.queue === queue) worker.wake();
    return String(id);
  }

  async enqueueMany(queue: string, name: string, jobs: ManyJob[], options: Omit<EnqueueOptions, "dedupeKey"> = {}): Promise<void> {
    if (jobs.length === 0) return;
    const now = this.clock.now();
    const stamp = new Date(now).toISOString();
    const maxAttempts = positiveInteger(options.maxAttempts ?? 5, "maxAttempts");
    await this.store.db
      .insertInto("queue_jobs")
      .values(
        jobs.map((job) => ({
          queue,
          name,
          payload: JSON.stringify(job.payload ?? null),
          state: "waiting",
          attempts: 0,
          max_attempts: maxAttempts,
          backoff_ms: Math.max(0, options.backoffMs ?? 1000),
          run_at: now + Math.max(0, options.delayMs ?? 0),
          dedupe_key: job.dedupeKey ?? null,
          created_at: stamp,
          updated_at: stamp,
        })),
      )
      .onConflict((conflict) => conflict.columns(["queue", "dedupe_key"]).doNothing())
      .execute();
    for (const worker of this.workers) if (worker.queue === queue) worker.wake();
  }

  process(queue: string, handler: JobHandler, options: ProcessOptions = {}): QueueWorker {
    if (this.closed) throw new Error("The queue is closed");
    const worker = new StoreQueueWorker(this, queue, handler, {
      concurrency: positiveInteger(options.concurrency ?? 1, "concurrency"),
      pollIntervalMs: this.pollIntervalMs,
      leaseMs: this.leaseMs,
      logger: this.logger,
    });
    this.workers.add(worker);
    return {
      stop: async () => {
        await worker.stop();
        this.workers.delete(worker);
      },
    };
  }

  async counts(queue: string): Promise<QueueCounts> {
    const rows = await this.store.db
      .selectFrom("queue_jobs")
      .select(["state", (eb) => eb.fn.countAll<number | string>().as("count")])
      .where("queue", "=", queue)
      .groupBy("state")
      .execute();
    const counts: QueueCounts = { waiting: 0, active: 0, completed: 0, dead: 0 };
    for (const row of rows) {
      if (row.state === "waiting" || row.state === "active" || row.state === "completed" || row.state === "dead") {
        counts[row.state] = Number(row.count);
      }
    }
    return counts;
  }

  async deadLetters(queue: string): Promise<DeadJob[]> {
    const rows = await this.store.db
      .selectFrom("queue_jobs")
      .selectAll()
      .where("queue", "=", queue)
      .where("state", "=", "dead")
      .orderBy("id")
      .execute();
    return rows.map((row) => ({
      id: String(row.id),
      queue: row.queue,
      name: row.name,
      payload: JSON.parse(row.payload) as unknown,
      attempts: row.attempts,
      lastError: row.last_error,
    }));
  }

  async retryDead(queue: string, jobId: string): Promise<boolean> {
    const id = Number(jobId);
    if (!Number.isSafeInteger(id)) return false;
    const now = this.clock.now();
    const result = await this.store.db
      .updateTable("queue_jobs")
      .set({ state: "waiting", attempts: 0, run_at: now, last_error: null, locked_until: null, locked_by: null, updated_at: stamp(now) })
      .where("id", "=", id)
      .where("queue", "=", queue)
      .where("state", "=", "dead")
      .executeTakeFirst();
    const retried = Number(result.numUpdatedRows) > 0;
    if (retried) for (const worker of this.workers) if (worker.queue === queue) worker.wake();
    return retried;
  }

  /** Stops every worker this queue started (waiting for their running handlers); the store stays open. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.workers].map((worker) => worker.stop()));
    this.workers.clear();
  }

  /**
   * Takes the next due job of `queue` for `claimToken`: a waiting job whose time has come, or an
   * active one whose worker let its lease lapse (it crashed or hung). One statement, so no two
   * workers take the same job; PostgreSQL's SKIP LOCKED lets concurrent claimers pass each other.
   */
  async claim(queue: string, claimToken: string): Promise<JobRow | undefined> {
    const now = this.clock.now();
    // The first due job of each kind, each read in (queue, state, run_at) index order, then the earlier of
    // the two. One OR over both kinds made the store sort every row of the queue, completed ones included.
    const firstOf = (state: "waiting" | "active") =>
      this.store.db
        .selectFrom("queue_jobs")
        .select(["id", "run_at"])
        .where("queue", "=", queue)
        .where("state", "=", state)
        .where(state === "waiting" ? "run_at" : "locked_until", "<=", now)
        .orderBy("run_at")
        .orderBy("id")
        // A literal limit: SQLite plans `LIMIT ?` in a subquery several times slower.
        .limit(sql.lit(1))
        .$if(this.store.dialect === "postgres", (select) => select.forUpdate().skipLocked());
    const due = this.store.db
      .selectFrom((eb) =>
        eb
          .selectFrom(firstOf("waiting").as("w"))
          .select(["w.id", "w.run_at"])
          .unionAll(eb.selectFrom(firstOf("active").as("a")).select(["a.id", "a.run_at"]))
          .as("due"),
      )
      .select("due.id")
      .orderBy("due.run_at")
      .orderBy("due.id")
      .limit(sql.lit(1));
    return this.store.db
      .updateTable("queue_jobs")
      .set((eb) => ({
        state: "active",
        attempts: eb("attempts", "+", 1),
        locked_until: now + this.leaseMs,
        locked_by: claimToken,
        updated_at: stamp(now),
      }))
      .where("id", "=", due)
      .returningAll()
      .executeTakeFirst();
  }

  /** Pushes the lease of a job still running under `claimToken`; false when another worker took it over. */
  async renewLease(row: JobRow, claimToken: string): Promise<boolean> {
    const now = this.clock.now();
    const result = await this.store.db
      .updateTable("queue_jobs")
      .set({ locked_until: now + this.leaseMs, updated_at: stamp(now) })
      .where("id", "=", row.id)
      .where("locked_by", "=", claimToken)
      .where("state", "=", "active")
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Records the outcome of one attempt, unless the lease was lost and the job is now another worker's. */
  async settle(row: JobRow, claimToken: string, failure: { message: string } | null): Promise<void> {
    const now = this.clock.now();
    let change: Partial<JobRow>;
    if (!failure) {
      change = { state: "completed", last_error: null };
    } else if (row.attempts >= row.max_attempts) {
      change = { state: "dead", attempts: Math.min(row.attempts, row.max_attempts), last_error: failure.message };
    } else {
      change = { state: "waiting", run_at: now + row.backoff_ms * 2 ** (row.attempts - 1), last_error: failure.message };
    }
    const result = await this.store.db
      .updateTable("queue_jobs")
      .set({ ...change, locked_until: null, locked_by: null, updated_at: stamp(now) })
      .where("id", "=", row.id)
      .where("locked_by", "=", claimToken)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) {
      this.logger?.warn({ queue: row.queue, jobId: String(row.id) }, "job lease lapsed before it finished; another worker owns it now");
    }
  }
}

interface WorkerSettings {
  concurrency: number;
  pollIntervalMs: number;
  leaseMs: number;
  logger: PlatformLogger | undefined;
}

/** One consumer of one queue: claims up to `concurrency` jobs and runs them. */
class StoreQueueWorker {
  private readonly running = new Set<Promise<void>>();
  private readonly loop: Promise<void>;
  private stopping = false;
  // A wake that arrives while the loop is busy claiming must not be lost until the next poll.
  private woken = false;
  private wakeSleeper: (() => void) | undefined;

  constructor(
    private readonly owner: StoreQueue,
    readonly queue: string,
    private readonly handler: JobHandler,
    private readonly settings: WorkerSettings,
  ) {
    this.loop = this.run();
  }

  wake(): void {
    this.woken = true;
    this.wakeSleeper?.();
  }

  /** Stops claiming, then waits for the handlers already running. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.loop;
    await Promise.all([...this.running]);
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      if (this.running.size >= this.settings.concurrency) {
        await this.sleep();
        continue;
      }
      const claimToken = randomUUID();
      let row: JobRow | undefined;
      try {
        row = await this.owner.claim(this.queue, claimToken);
      } catch (error) {
        this.settings.logger?.error({ queue: this.queue, err: jobErrorMessage(error) }, "could not claim a job");
      }
      if (!row) {
        await this.sleep();
        continue;
      }
      const execution = this.execute(row, claimToken).finally(() => {
        this.running.delete(execution);
        this.wake();
      });
      this.running.add(execution);
    }
  }

  private async execute(row: JobRow, claimToken: string): Promise<void> {
    try {
      if (row.attempts > row.max_attempts) {
        // Its last attempt was claimed by a worker that never finished: nothing is left to retry.
        await this.owner.settle(row, claimToken, { message: "The worker running the last attempt stopped before finishing" });
        return;
      }
      const renew = setInterval(() => {
        this.owner.renewLease(row, claimToken).catch((error: unknown) => {
          this.settings.logger?.warn({ queue: this.queue, jobId: String(row.id), err: jobErrorMessage(error) }, "could not renew a job lease");
        });
      }, Math.max(10, Math.floor(this.settings.leaseMs / 3)));
      let failure: { message: string } | null = null;
      try {
        await this.handler(toJob(row));
      } catch (error) {
        failure = { message: jobErrorMessage(error) };
      } finally {
        clearInterval(renew);
      }
      await this.owner.settle(row, claimToken, failure);
    } catch (error) {
      // The lease will lapse and another worker will redeliver: at-least-once, never lost.
      this.settings.logger?.error({ queue: this.queue, jobId: String(row.id), err: jobErrorMessage(error) }, "could not record a job's outcome");
    }
  }

  private sleep(): Promise<void> {
    if (this.woken || this.stopping) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeSleeper = undefined;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, this.settings.pollIntervalMs);
      this.wakeSleeper = done;
    });
  }
}

function toJob(row: JobRow): Job {
  return {
    id: String(row.id),
    queue: row.queue,
    name: row.name,
    payload: JSON.parse(row.payload) as unknown,
    attempt: row.attempts,
    maxAttempts: row.max_attempts,
  };
}

function stamp(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
  return value;
}
