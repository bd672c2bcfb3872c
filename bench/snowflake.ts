// Benchmark `snowflake` (issue 2): Switchboard's Redis sequence (one Lua call per id, D13) against a faithful
// Sentry-style generator (sequential INCR look-back of §11.4), 4 processes asking for 2,000 ids in total.
// Reports ids/s and Redis round trips per id for each, and duplicates across processes.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const PROCESSES = 4;
const TOTAL_IDS = 2000;
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const here = dirname(fileURLToPath(import.meta.url));

interface WorkerResult {
  ids: number[];
  roundTrips: number;
  startedAt: number;
  finishedAt: number;
}

function runWorker(kind: string, count: number, startAt: number, prefix: string): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(here, "_snowflake-worker.ts"), kind, String(count), String(startAt), prefix, redisUrl], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out) as WorkerResult) : reject(new Error(`${kind} worker exited ${code}`))));
  });
}

async function measure(kind: "ours" | "sentry") {
  const prefix = `bench:${randomBytes(4).toString("hex")}:`;
  // Every process starts at the same instant, well after they have all loaded.
  const startAt = Date.now() + 3000;
  const results = await Promise.all(Array.from({ length: PROCESSES }, () => runWorker(kind, TOTAL_IDS / PROCESSES, startAt, prefix)));
  const ids = results.flatMap((r) => r.ids);
  const seconds = (Math.max(...results.map((r) => r.finishedAt)) - Math.min(...results.map((r) => r.startedAt))) / 1000;
  const roundTrips = results.reduce((n, r) => n + r.roundTrips, 0);
  return {
    kind,
    ids: ids.length,
    duplicates: ids.length - new Set(ids).size,
    seconds: Math.round(seconds * 1000) / 1000,
    idsPerSecond: Math.round(ids.length / seconds),
    roundTripsPerId: Math.round((roundTrips / ids.length) * 100) / 100,
  };
}

const sentry = await measure("sentry");
const ours = await measure("ours");
console.log(`processes: ${PROCESSES}, ids: ${TOTAL_IDS}, redis: ${redisUrl}`);
for (const r of [ours, sentry]) {
  console.log(
    `${r.kind.padEnd(7)} ${String(r.idsPerSecond).padStart(8)} ids/s  ${String(r.roundTripsPerId).padStart(7)} round trips/id  ${r.duplicates} duplicates  (${r.seconds} s)`,
  );
}
const ratio = ours.idsPerSecond / sentry.idsPerSecond;
console.log(`ratio: ${ratio.toFixed(1)}x`);
const met = ours.roundTripsPerId === 1 && ratio >= 20 && ours.duplicates === 0 && sentry.duplicates === 0;
console.log(
  JSON.stringify({
    bench: "snowflake",
    ours: ours.idsPerSecond,
    peer: sentry.idsPerSecond,
    ceiling: null,
    unit: "ids/s",
    target: "1 round trip per id, >= 20x the Sentry-style ids/s, 0 duplicates",
    met,
    oursRoundTripsPerId: ours.roundTripsPerId,
    peerRoundTripsPerId: sentry.roundTripsPerId,
    duplicates: ours.duplicates + sentry.duplicates,
  }),
);
