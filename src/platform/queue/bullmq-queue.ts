import { createHash } from "node:crypto";
import { Queue, Worker, type Job as BullJob } from "bullmq";
import { Redis } from "ioredis";
import type { PlatformLogger } from "../platform-logger.js";
import { jobErrorMessage } from "./job-error-message.js";
import type { DeadJob, EnqueueOptions, JobHandler, JobQueue, ManyJob, ProcessOptions, QueueCounts, QueueWorker } from "./queue.js";

export interface BullmqQueueOptions {
  redisUrl: string;
  /** BullMQ's key prefix (default `bull`): deployments and tests sharing a Redis stay apart. */
  prefix?: string;
  logger?: PlatformLogger;
}

// States BullMQ keeps a not-yet-finished job in, all "waiting" to us.
const WAITING_STATES = ["wait", "delayed", "prioritized", "waiting-children"] as const;

/** The distributed job queue: one BullMQ Queue (and Worker, when consumed) per queue name. */
export class BullmqQueue implements JobQueue {
  // BullMQ's blocking commands must wait as long as it takes, hence its own connection without a retry cap.
  private readonly connection: Redis;
  private readonly prefix: string;
  private readonly logger: PlatformLogger | undefined;
  private readonly queues = new Map<string, Queue>();
  private readonly workers = new Set<Worker>();
  private closed = false;

  constructor(options: BullmqQueueOptions) {
    this.connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    this.connection.on("error", (error: Error) => this.logger?.warn({ err: error.message }, "queue redis connection error"));
    this.prefix = (options.prefix ?? "bull").replace(/:+$/, "");
    this.logger = options.logger;
  }

  async enqueue(queue: string, name: string, payload: unknown, options: EnqueueOptions = {}): Promise<string> {
    const maxAttempts = options.maxAttempts ?? 5;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new Error(`maxAttempts must be a positive integer, got ${maxAttempts}`);
    const job = await this.queue(queue).add(name, payload ?? null, {
      attempts: maxAttempts,
      // BullMQ's exponential back-off is delay * 2^(attemptsMade-1): the same curve as the store queue.
      backoff: { type: "exponential", delay: Math.max(0, options.backoffMs ?? 1000) },
      delay: Math.max(0, options.delayMs ?? 0),
      // A job id that already exists (in any state) makes add a no-op that returns the existing job.
      ...(options.dedupeKey === undefined ? {} : { jobId: dedupeJobId(options.dedupeKey) }),
    });
    if (job.id === undefined) throw new Error(`Job ${name} was not enqueued in ${queue}`);
    return job.id;
  }

  async enqueueMany(queue: string, name: string, jobs: ManyJob[], options: Omit<EnqueueOptions, "dedupeKey"> = {}): Promise<void> {
    if (jobs.length === 0) return;
    const maxAttempts = options.maxAttempts ?? 5;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new Error(`maxAttempts must be a positive integer, got ${maxAttempts}`);
    await this.queue(queue).addBulk(
      jobs.map((job) => ({
        name,
        data: job.payload ?? null,
        opts: {
          attempts: maxAttempts,
          backoff: { type: "exponential", delay: Math.max(0, options.backoffMs ?? 1000) },
          delay: Math.max(0, options.delayMs ?? 0),
          ...(job.dedupeKey === undefined ? {} : { jobId: dedupeJobId(job.dedupeKey) }),
        },
      })),
    );
  }

  process(queue: string, handler: JobHandler, options: ProcessOptions = {}): QueueWorker {
    if (this.closed) throw new Error("The queue is closed");
    const worker = new Worker(
      queue,
      async (job: BullJob) => {
        await handler({
          id: job.id ?? "",
          queue,
          name: job.name,
          payload: job.data as unknown,
          attempt: job.attemptsMade + 1,
          maxAttempts: job.opts.attempts ?? 1,
        });
      },
      // A killed worker's jobs return after the lock lapses and two stalled checks: ~20 s here instead of BullMQ's ~90 s
      // (locks are renewed every lockDuration/2 while a handler runs, so long handlers keep theirs).
      { connection: this.connection, prefix: this.prefix, concurrency: options.concurrency ?? 1, lockDuration: 10_000, stalledInterval: 5_000 },
    );
    // Without a listener an error event would crash the process; a lost connection is retried by ioredis.
    worker.on("error", (error: Error) => this.logger?.error({ queue, err: jobErrorMessage(error) }, "queue worker error"));
    this.workers.add(worker);
    return {
      stop: async () => {
        // close() without force waits for the handlers already running.
        await worker.close();
        this.workers.delete(worker);
      },
    };
  }

  async counts(queue: string): Promise<QueueCounts> {
    const counts = await this.queue(queue).getJobCounts(...WAITING_STATES, "active", "completed", "failed");
    const waiting = WAITING_STATES.reduce((sum, state) => sum + (counts[state] ?? 0), 0);
    // A job BullMQ marks failed has used all its attempts (retries sit in "delayed"): our dead letter.
    return { waiting, active: counts.active ?? 0, completed: counts.completed ?? 0, dead: counts.failed ?? 0 };
  }

  async deadLetters(queue: string): Promise<DeadJob[]> {
    const jobs = await this.queue(queue).getFailed(0, -1);
    return jobs
      .filter((job): job is BullJob => job !== undefined && job !== null)
      .map((job) => ({
        id: job.id ?? "",
        queue,
        name: job.name,
        payload: job.data as unknown,
        attempts: job.attemptsMade,
        lastError: job.failedReason || null,
      }));
  }

  async retryDead(queue: string, jobId: string): Promise<boolean> {
    const job = await this.queue(queue).getJob(jobId);
    if (!job || !(await job.isFailed())) return false;
    await job.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
    return true;
  }

  /** Stops the workers (waiting for running handlers), then closes the queues and the connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.workers].map((worker) => worker.close()));
    this.workers.clear();
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.queues.clear();
    await this.connection.quit().catch(() => this.connection.disconnect());
  }

  private queue(name: string): Queue {
    if (this.closed) throw new Error("The queue is closed");
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.prefix });
      queue.on("error", (error: Error) => this.logger?.error({ queue: name, err: jobErrorMessage(error) }, "queue error"));
      this.queues.set(name, queue);
    }
    return queue;
  }
}

/** BullMQ refuses custom ids that look like integers or contain ':', so a dedupe key is hashed into one. */
function dedupeJobId(dedupeKey: string): string {
  return `dedupe-${createHash("sha256").update(dedupeKey).digest("hex").slice(0, 32)}`;
}
