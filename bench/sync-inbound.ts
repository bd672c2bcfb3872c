// Benchmark `sync-inbound` (issue 7): inbound assignee changes end to end — a signed GitHub `issues`
// delivery posted over HTTP to `switchboard serve`, recorded, queued, dispatched, and the group's assignment
// and activity committed. Per store: (a) changes/s at full speed (32 requests in flight; first post to the
// last activity row committed), (b) at a paced 500 changes/s, the latency from each 2xx acknowledgement to
// its activity row's commit (p50/p99), and (c) the store's own ceiling: the same assign()/deassign() writes
// issued directly in loops. Embedded: one `serve` process (SQLite + in-process store queue). Distributed:
// `serve --worker off` and two `worker` processes on PostgreSQL (private schema) + Redis/BullMQ.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import { createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { openStore, type Store } from "../src/store/database.js";
import { migrateToLatest } from "../src/store/migrate.js";
import { directWriteCeiling, type CeilingResult } from "./_sync-inbound-ceiling.js";
import { startCluster } from "./_sync-inbound-cluster.js";
import { ChangeSequence } from "./_sync-inbound-deliveries.js";
import { CommitObserver, fullSpeedRun, pacedRun, webhookClient, type LatencyResult, type ThroughputResult } from "./_sync-inbound-runs.js";
import { seedSyncInbound } from "./_sync-inbound-seed.js";

const GROUPS = 200;
const CONNECTIONS = 32;
const WARMUP_CHANGES = 1000;
const FULL_SPEED_CHANGES = Number(process.env.SYNC_BENCH_CHANGES ?? 8000);
const PACED_RATE = 500;
const PACED_SECONDS = 10;
const SECRET = "bench-sync-inbound-secret";
// A Redis database of its own: the processes run with BullMQ's default key prefix.
const REDIS_DB = 12;
const DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test";
const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

const TARGET_EMBEDDED = 2000;
const TARGET_POSTGRES = 1000;
const TARGET_P99_MS = 50;

interface ModeResult {
  mode: "embedded" | "postgres";
  throughput: ThroughputResult;
  paced: LatencyResult;
  ceiling: CeilingResult;
  /** CPU the service's processes (not PostgreSQL or Redis) spent per change in the full-speed run. */
  serviceCpuMsPerChange: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

interface ModeSetup {
  mode: ModeResult["mode"];
  store: Store;
  /** Environment of the child processes. */
  env: NodeJS.ProcessEnv;
  workers: number;
  ceilingLoops: number;
  openApp: () => ReturnType<typeof createApp>;
  cleanup: () => Promise<void>;
}

function baseEnv(dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  return { ...env, SWITCHBOARD_DATA_DIR: dataDir, GITHUB_WEBHOOK_SECRET: SECRET, SWITCHBOARD_SECRET_KEY: randomBytes(32).toString("base64"), LOG_LEVEL: "warn" };
}

async function embeddedSetup(): Promise<ModeSetup> {
  const dataDir = mkdtempSync(join(tmpdir(), "bench-sync-inbound-"));
  const store = await openStore({ dataDir });
  await migrateToLatest(store);
  const env = baseEnv(dataDir);
  return {
    mode: "embedded",
    store,
    env,
    workers: 0,
    ceilingLoops: 4,
    openApp: () => createApp(loadConfig(env), { logger: createLogger("warn", process.stderr) }),
    cleanup: async () => {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function postgresSetup(databaseUrl: string, redisUrl: string): Promise<ModeSetup> {
  const dataDir = mkdtempSync(join(tmpdir(), "bench-sync-inbound-"));
  const schema = `bench_sync_${randomBytes(4).toString("hex")}`;
  const store = await openStore({ databaseUrl, dataDir, schema });
  await migrateToLatest(store);
  // The children open the same private schema through the connection string's search_path.
  const childDatabaseUrl = new URL(databaseUrl);
  childDatabaseUrl.searchParams.set("options", `-c search_path=${schema}`);
  const redis = new URL(redisUrl);
  redis.pathname = `/${REDIS_DB}`;
  const client = new Redis(redis.toString());
  for (const pattern of ["bull:*", "lock:*", "*sync:assignee:*"]) {
    const stale = await client.keys(pattern);
    if (stale.length) await client.del(...stale);
  }
  await client.quit();
  const env = { ...baseEnv(dataDir), DATABASE_URL: childDatabaseUrl.toString(), REDIS_URL: redis.toString() };
  return {
    mode: "postgres",
    store,
    env,
    workers: 2,
    ceilingLoops: 8,
    openApp: () => createApp(loadConfig({ ...env, DATABASE_URL: databaseUrl }), { schema, logger: createLogger("warn", process.stderr) }),
    cleanup: async () => {
      await store.close();
      const admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function measure(setup: ModeSetup): Promise<ModeResult> {
  const seeded = await seedSyncInbound(setup.store.db, GROUPS);
  const changes = new ChangeSequence(GROUPS, SECRET);
  // SYNC_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the service's processes.
  const cluster = await startCluster(setup.env, setup.workers, (process.env.SYNC_BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean));
  const observer = new CommitObserver(setup.store.db, seeded.groups.map((g) => g.id));
  const client = webhookClient(cluster.url, CONNECTIONS);
  let throughput: ThroughputResult;
  let paced: LatencyResult;
  let serviceCpuMsPerChange: number;
  try {
    await observer.start();
    const warmup = await fullSpeedRun(setup.store.db, observer, client, changes.take(WARMUP_CHANGES), CONNECTIONS);
    console.error(`${setup.mode} warm-up: ${JSON.stringify(warmup)}`);
    const cpuBefore = cluster.cpuSeconds();
    const benchCpuBefore = process.cpuUsage();
    throughput = await fullSpeedRun(setup.store.db, observer, client, changes.take(FULL_SPEED_CHANGES), CONNECTIONS);
    const benchCpu = process.cpuUsage(benchCpuBefore);
    // CPU per change does not depend on how busy the shared machine is, unlike changes/s.
    serviceCpuMsPerChange = round2(((cluster.cpuSeconds() - cpuBefore) * 1000) / throughput.changes);
    const driverCpuMsPerChange = round2((benchCpu.user + benchCpu.system) / 1000 / throughput.changes);
    console.error(`${setup.mode} full speed: ${JSON.stringify({ ...throughput, serviceCpuMsPerChange, driverCpuMsPerChange })}`);
    paced = await pacedRun(setup.store.db, observer, client, changes.take(PACED_RATE * PACED_SECONDS), PACED_RATE);
    console.error(`${setup.mode} paced: ${JSON.stringify(paced)} (observer polls: ${observer.polls})`);
  } finally {
    await observer.stop();
    await client.close();
    await cluster.close();
  }
  console.error(`${setup.mode} outcomes: ${JSON.stringify(await outcomes(setup.store))}`);
  // The ceiling runs alone on the same store once the service has stopped.
  const app = await setup.openApp();
  let ceiling: CeilingResult;
  try {
    ceiling = await directWriteCeiling(app, seeded, changes.take(FULL_SPEED_CHANGES), setup.ceilingLoops);
    console.error(`${setup.mode} ceiling: ${JSON.stringify(ceiling)}`);
  } finally {
    await app.close();
  }
  return { mode: setup.mode, throughput, paced, ceiling, serviceCpuMsPerChange };
}

/** How the deliveries and inbound changes ended, to explain a change that left no activity row. */
async function outcomes(store: Store) {
  const db = store.db;
  const deliveries = await db.selectFrom("webhook_deliveries").select(["state", (eb) => eb.fn.countAll<number | string>().as("n"), (eb) => eb.fn.sum<number | string>("attempts").as("attempts")]).groupBy("state").execute();
  const errors = await db.selectFrom("webhook_delivery_attempts").select(["error", (eb) => eb.fn.countAll<number | string>().as("n")]).where("error", "is not", null).groupBy("error").execute();
  const inbound = await db.selectFrom("sync_log").select(["outcome", (eb) => eb.fn.countAll<number | string>().as("n")]).where("direction", "=", "inbound").groupBy("outcome").execute();
  return {
    deliveries: Object.fromEntries(deliveries.map((d) => [d.state, { n: Number(d.n), attempts: Number(d.attempts) }])),
    failedAttempts: errors.map((e) => ({ error: e.error, n: Number(e.n) })),
    inbound: Object.fromEntries(inbound.map((i) => [i.outcome, Number(i.n)])),
  };
}

async function reachable(databaseUrl: string, redisUrl: string): Promise<string | null> {
  try {
    const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3000 });
    await client.connect();
    await client.end();
    const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
    await redis.connect();
    await redis.ping();
    await redis.quit();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

// SYNC_BENCH_MODES=embedded (or postgres) measures one store only, when looking into one of them.
const modes = (process.env.SYNC_BENCH_MODES ?? "embedded,postgres").split(",");
const results: ModeResult[] = [];
if (modes.includes("embedded")) {
  const embedded = await embeddedSetup();
  try {
    results.push(await measure(embedded));
  } finally {
    await embedded.cleanup();
  }
}

const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
const redisUrl = process.env.REDIS_URL || DEFAULT_REDIS_URL;
const unreachable = modes.includes("postgres") ? await reachable(databaseUrl, redisUrl) : "not asked for";
if (unreachable) {
  console.error(`PostgreSQL + Redis not measured (${unreachable}); set DATABASE_URL and REDIS_URL`);
} else {
  const postgres = await postgresSetup(databaseUrl, redisUrl);
  try {
    results.push(await measure(postgres));
  } finally {
    await postgres.cleanup();
  }
}

console.log(`groups: ${GROUPS}, full speed: ${FULL_SPEED_CHANGES} changes with ${CONNECTIONS} in flight, paced: ${PACED_RATE}/s for ${PACED_SECONDS} s`);
for (const r of results) {
  const t = r.throughput;
  const p = r.paced;
  console.log(
    `${r.mode.padEnd(9)} ${String(t.changesPerSecond).padStart(6)} changes/s end to end (${t.committed}/${t.changes} committed, ${t.non2xx} non-2xx, acked ${t.acknowledgedPerSecond}/s)` +
      `  ${r.serviceCpuMsPerChange} ms service CPU/change  ceiling ${r.ceiling.changesPerSecond} changes/s (${r.ceiling.loops} loops)` +
      `  @${p.rate}/s ack->commit p50 ${p.ackToCommit.p50} ms p99 ${p.ackToCommit.p99} ms max ${p.ackToCommit.max} ms (${p.committed}/${p.changes} committed)`,
  );
}
const embeddedResult = results.find((r) => r.mode === "embedded");
const postgresResult = results.find((r) => r.mode === "postgres");
const complete = (r: ModeResult | undefined) =>
  r !== undefined && r.throughput.non2xx === 0 && r.throughput.committed === r.throughput.changes && r.paced.non2xx === 0 && r.paced.committed === r.paced.changes;
const met =
  complete(embeddedResult) &&
  complete(postgresResult) &&
  embeddedResult!.throughput.changesPerSecond >= TARGET_EMBEDDED &&
  postgresResult!.throughput.changesPerSecond >= TARGET_POSTGRES &&
  results.every((r) => r.paced.ackToCommit.p99 < TARGET_P99_MS);
console.log(
  JSON.stringify({
    bench: "sync-inbound",
    ours: embeddedResult?.throughput.changesPerSecond ?? null,
    peer: null,
    ceiling: embeddedResult?.ceiling.changesPerSecond ?? null,
    unit: "changes/s",
    target: `>= ${TARGET_EMBEDDED} changes/s embedded; >= ${TARGET_POSTGRES} changes/s on PostgreSQL with 2 worker processes; ack-to-commit p99 < ${TARGET_P99_MS} ms at ${PACED_RATE} changes/s (both stores)`,
    met,
    postgres: postgresResult?.throughput.changesPerSecond ?? null,
    postgresCeiling: postgresResult?.ceiling.changesPerSecond ?? null,
    p99Ms: Object.fromEntries(results.map((r) => [r.mode, r.paced.ackToCommit.p99])),
    p50Ms: Object.fromEntries(results.map((r) => [r.mode, r.paced.ackToCommit.p50])),
    serviceCpuMsPerChange: Object.fromEntries(results.map((r) => [r.mode, r.serviceCpuMsPerChange])),
  }),
);
