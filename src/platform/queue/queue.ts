/** Options of one job. */
export interface EnqueueOptions {
  /** Attempts before the job is dead-lettered (default 5). */
  maxAttempts?: number;
  /** Base delay of the exponential back-off: backoffMs * 2^(attempt-1) (default 1000). */
  backoffMs?: number;
  /** Delay before the first attempt. */
  delayMs?: number;
  /** Jobs with the same key in the same queue are enqueued once. */
  dedupeKey?: string;
}

/** One job of an `enqueueMany` call. */
export interface ManyJob {
  payload: unknown;
  dedupeKey?: string;
}

/** A job as its handler sees it. `attempt` starts at 1. */
export interface Job<T = unknown> {
  id: string;
  queue: string;
  name: string;
  payload: T;
  attempt: number;
  maxAttempts: number;
}

export type JobHandler = (job: Job) => Promise<void>;

/** A job that exhausted its attempts. */
export interface DeadJob {
  id: string;
  queue: string;
  name: string;
  payload: unknown;
  attempts: number;
  lastError: string | null;
}

export interface QueueCounts {
  waiting: number;
  active: number;
  completed: number;
  dead: number;
}

export interface ProcessOptions {
  concurrency?: number;
}

/** A running consumer of one queue. */
export interface QueueWorker {
  stop(): Promise<void>;
}

/**
 * Durable at-least-once job queue: a table in the store polled in-process (embedded) or BullMQ on
 * Redis (distributed). Failed jobs retry with exponential back-off, then go to the dead letter.
 */
export interface JobQueue {
  enqueue(queue: string, name: string, payload: unknown, options?: EnqueueOptions): Promise<string>;
  /** Enqueues several jobs of one kind in one write (one statement / one Redis round trip); each is deduplicated by its own key. */
  enqueueMany(queue: string, name: string, jobs: ManyJob[], options?: Omit<EnqueueOptions, "dedupeKey">): Promise<void>;
  process(queue: string, handler: JobHandler, options?: ProcessOptions): QueueWorker;
  counts(queue: string): Promise<QueueCounts>;
  deadLetters(queue: string): Promise<DeadJob[]>;
  /** Puts a dead job back in line for a fresh set of attempts. */
  retryDead(queue: string, jobId: string): Promise<boolean>;
  close(): Promise<void>;
}
