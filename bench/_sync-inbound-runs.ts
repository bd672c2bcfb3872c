// The two timed runs of the sync-inbound benchmark over real HTTP, and the observer that sees each change
// commit: a loop in the benchmark process that reads new `activity` rows of the store (its own connection)
// as fast as it can, so a change's commit time is when its activity row first became visible to a reader.
import type { Kysely } from "kysely";
import { Pool } from "undici";
import type { Database } from "../src/store/schema.js";
import type { SignedDelivery } from "./_sync-inbound-deliveries.js";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Tracked {
  expect: SignedDelivery["expect"];
  sentAt: number;
  ackAt?: number;
  status?: number;
  committedAt?: number;
}

/** Matches new activity rows to the changes sent, group by group, in the order they were sent. */
export class CommitObserver {
  private readonly pending = new Map<number, Tracked[]>();
  private readonly groupIndexById: Map<number, number>;
  private lastId = 0;
  private running: Promise<void> | undefined;
  private stopped = false;
  committed = 0;
  /** Activity rows that did not match the change expected next on their group. */
  mismatched = 0;
  lastCommitAt = 0;
  polls = 0;

  constructor(
    private readonly db: Kysely<Database>,
    groupIds: number[],
  ) {
    this.groupIndexById = new Map(groupIds.map((id, index) => [id, index]));
  }

  /** Starts reading from the newest activity row now in the store. */
  async start(): Promise<void> {
    const newest = await this.db.selectFrom("activity").select((eb) => eb.fn.max("id").as("id")).executeTakeFirst();
    this.lastId = Number(newest?.id ?? 0);
    this.stopped = false;
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  track(delivery: SignedDelivery, tracked: Tracked): void {
    const queue = this.pending.get(delivery.groupIndex) ?? [];
    queue.push(tracked);
    this.pending.set(delivery.groupIndex, queue);
  }

  private async loop(): Promise<void> {
    // PostgreSQL hands out ids before commit, so a lower id can become visible after a higher one: read from
    // the highest id below which every row was seen, and skip the rows already seen above it.
    const seen = new Set<number>();
    let gapSince = 0;
    while (!this.stopped) {
      const rows = await this.db.selectFrom("activity").select(["id", "group_id", "type"]).where("id", ">", this.lastId).orderBy("id").limit(5000).execute();
      const seenAt = performance.now();
      this.polls++;
      let fresh = 0;
      for (const row of rows) {
        if (seen.has(row.id)) continue;
        seen.add(row.id);
        fresh++;
        const index = this.groupIndexById.get(row.group_id);
        const tracked = index === undefined ? undefined : this.pending.get(index)?.shift();
        if (!tracked || tracked.expect !== row.type) {
          this.mismatched++;
          continue;
        }
        tracked.committedAt = seenAt;
        this.committed++;
        this.lastCommitAt = seenAt;
      }
      while (seen.delete(this.lastId + 1)) this.lastId++;
      if (seen.size === 0) gapSince = 0;
      else if (gapSince === 0) gapSince = seenAt;
      else if (seenAt - gapSince > 2000) {
        // An id left unused by a rolled-back insert: step over it.
        this.lastId++;
        gapSince = 0;
      }
      // A reader's snapshot costs little; 1 ms between polls bounds the error of a commit time.
      if (fresh === 0) await sleep(1);
    }
  }
}

/** An HTTP/1.1 keep-alive client for the webhook route. */
export function webhookClient(baseUrl: string, connections: number): Pool {
  return new Pool(baseUrl, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
}

async function post(client: Pool, delivery: SignedDelivery, tracked: Tracked): Promise<void> {
  try {
    const response = await client.request({ path: "/extensions/github/webhook/", method: "POST", headers: delivery.headers, body: delivery.body });
    await response.body.dump();
    tracked.status = response.statusCode;
  } catch {
    tracked.status = 0;
  }
  tracked.ackAt = performance.now();
}

async function settledSince(db: Kysely<Database>, baseId: number): Promise<number> {
  const row = await db
    .selectFrom("webhook_deliveries")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .where("id", ">", baseId)
    .where("state", "in", ["processed", "dead"])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function newestDelivery(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom("webhook_deliveries").select((eb) => eb.fn.max("id").as("id")).executeTakeFirst();
  return Number(row?.id ?? 0);
}

/** Waits until every delivery recorded after `baseId` is processed (or dead), up to `timeoutMs`. */
async function waitSettled(db: Kysely<Database>, baseId: number, count: number, timeoutMs: number): Promise<number> {
  const end = Date.now() + timeoutMs;
  let settled = await settledSince(db, baseId);
  while (settled < count && Date.now() < end) {
    await sleep(25);
    settled = await settledSince(db, baseId);
  }
  return settled;
}

export interface ThroughputResult {
  changes: number;
  non2xx: number;
  /** Activity rows seen for the changes (each change alters its group, so all of them when nothing is lost). */
  committed: number;
  mismatched: number;
  /** First post to the last activity row seen. */
  seconds: number;
  changesPerSecond: number;
  /** First post to the last 2xx: how fast deliveries were acknowledged. */
  acknowledgedPerSecond: number;
}

/** Posts every delivery with `concurrency` requests in flight, and times first post to last commit. */
export async function fullSpeedRun(db: Kysely<Database>, observer: CommitObserver, client: Pool, deliveries: SignedDelivery[], concurrency: number): Promise<ThroughputResult> {
  const baseId = await newestDelivery(db);
  const committedBefore = observer.committed;
  const mismatchedBefore = observer.mismatched;
  const tracked: Tracked[] = [];
  let next = 0;
  const startedAt = performance.now();
  const sender = async () => {
    while (next < deliveries.length) {
      const delivery = deliveries[next++]!;
      const t: Tracked = { expect: delivery.expect, sentAt: performance.now() };
      tracked.push(t);
      observer.track(delivery, t);
      await post(client, delivery, t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, sender));
  const lastAck = Math.max(...tracked.map((t) => t.ackAt ?? 0));
  await waitSettled(db, baseId, deliveries.length, 120_000);
  // The last activity rows may still be on their way to the observer.
  const end = Date.now() + 2000;
  while (observer.committed - committedBefore < deliveries.length && Date.now() < end) await sleep(5);
  const seconds = (observer.lastCommitAt - startedAt) / 1000;
  const committed = observer.committed - committedBefore;
  return {
    changes: deliveries.length,
    non2xx: tracked.filter((t) => t.status === undefined || t.status < 200 || t.status > 299).length,
    committed,
    mismatched: observer.mismatched - mismatchedBefore,
    seconds: round(seconds, 3),
    changesPerSecond: Math.round(committed / seconds),
    acknowledgedPerSecond: Math.round(deliveries.length / ((lastAck - startedAt) / 1000)),
  };
}

export interface LatencyResult {
  rate: number;
  changes: number;
  non2xx: number;
  committed: number;
  /** Achieved send rate (changes/s). */
  sentPerSecond: number;
  /** 2xx acknowledgement to commit, ms. */
  ackToCommit: { p50: number; p90: number; p99: number; max: number };
  /** Request sent to 2xx, ms. */
  ack: { p50: number; p99: number };
  /** Commits seen before their acknowledgement reached the client. */
  committedBeforeAck: number;
}

/** Sends the deliveries open-loop at `rate` per second and measures acknowledgement to commit per change. */
export async function pacedRun(db: Kysely<Database>, observer: CommitObserver, client: Pool, deliveries: SignedDelivery[], rate: number): Promise<LatencyResult> {
  const baseId = await newestDelivery(db);
  const tracked: Tracked[] = [];
  const inFlight: Promise<void>[] = [];
  const startedAt = performance.now();
  let sent = 0;
  while (sent < deliveries.length) {
    const due = Math.min(deliveries.length, Math.floor(((performance.now() - startedAt) * rate) / 1000) + 1);
    while (sent < due) {
      const delivery = deliveries[sent++]!;
      const t: Tracked = { expect: delivery.expect, sentAt: performance.now() };
      tracked.push(t);
      observer.track(delivery, t);
      inFlight.push(post(client, delivery, t));
    }
    await sleep(1);
  }
  const sendSeconds = (performance.now() - startedAt) / 1000;
  await Promise.all(inFlight);
  await waitSettled(db, baseId, deliveries.length, 60_000);
  const end = Date.now() + 2000;
  while (tracked.some((t) => t.committedAt === undefined) && Date.now() < end) await sleep(5);
  const done = tracked.filter((t) => t.committedAt !== undefined && t.ackAt !== undefined);
  const latencies = done.map((t) => t.committedAt! - t.ackAt!).sort((a, b) => a - b);
  const acks = tracked.map((t) => (t.ackAt ?? 0) - t.sentAt).sort((a, b) => a - b);
  return {
    rate,
    changes: deliveries.length,
    non2xx: tracked.filter((t) => t.status === undefined || t.status < 200 || t.status > 299).length,
    committed: done.length,
    sentPerSecond: Math.round(deliveries.length / sendSeconds),
    ackToCommit: {
      p50: round(Math.max(0, percentile(latencies, 0.5)), 1),
      p90: round(Math.max(0, percentile(latencies, 0.9)), 1),
      p99: round(Math.max(0, percentile(latencies, 0.99)), 1),
      max: round(Math.max(0, latencies.at(-1) ?? 0), 1),
    },
    ack: { p50: round(percentile(acks, 0.5), 1), p99: round(percentile(acks, 0.99), 1) },
    committedBeforeAck: latencies.filter((l) => l < 0).length,
  };
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
