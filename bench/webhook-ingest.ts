// Benchmark `webhook-ingest` (issue 6): signed GitHub deliveries acknowledged per second, three servers in
// turn in one run, each in its own process: Switchboard (verify over the raw bytes + durable record in the
// inbox + queue + 204; embedded store, worker off), Probot's webhook middleware (verify + a no-op handler:
// the peer), and a bare Fastify route that only checks the HMAC (the ceiling); then Switchboard on
// PostgreSQL (+ Redis when available) with group commit. wrk -t2 -c50 -d10s posts a real `issues` payload
// padded to 8 KiB; a Lua counter gives each request its own X-GitHub-Delivery so dedupe never
// short-circuits. Peak RSS is VmHWM of each server process.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import SQLite from "better-sqlite3";
import { build as esbuild } from "esbuild";
import { Redis } from "ioredis";
import pg from "pg";

const run = promisify(execFile);
const CONNECTIONS = 50;
const SECONDS = 10;
const WARMUP_SECONDS = 2;
const SIZE = 8 * 1024;
const SECRET = "bench-webhook-secret";
const dir = mkdtempSync(join(tmpdir(), "bench-webhook-"));
const SERVER_SOURCE = join(import.meta.dirname, "_webhook-ingest-server.ts");
// The three servers run as one esbuild bundle each, as `switchboard serve` runs (bin/switchboard.js), so that
// none pays for a TypeScript loader in its memory and their peak RSS compare like for like.
const SERVER = join(import.meta.dirname, "..", "node_modules", ".cache", "switchboard", "bench-webhook-ingest-server.mjs");
await esbuild({ entryPoints: [SERVER_SOURCE], bundle: true, platform: "node", format: "esm", target: "node20", packages: "external", outfile: SERVER, logLevel: "error" });

/** GitHub's own `issues.assigned` example (with an installation), trimmed of its API link fields and padded to 8 KiB. */
function payload(): string {
  const examples = createRequire(import.meta.url)("@octokit/webhooks-examples/api.github.com/index.json") as Array<{ name: string; examples: Array<Record<string, unknown>> }>;
  const example = examples.find((e) => e.name === "issues")!.examples.find((e) => e.action === "assigned" && e.installation) as Record<string, unknown>;
  // GitHub's API link fields (`*_url` except html_url) make up most of the example; dropping them leaves room to pad.
  const trimmed = JSON.parse(JSON.stringify(example), (key, value: unknown) => (key.endsWith("_url") && key !== "html_url" ? undefined : value)) as Record<string, unknown>;
  const base = JSON.stringify({ ...trimmed, padding: "" });
  if (base.length > SIZE) throw new Error(`payload is ${base.length} bytes before padding`);
  const body = JSON.stringify({ ...trimmed, padding: "x".repeat(SIZE - base.length) });
  if (Buffer.byteLength(body) !== SIZE) throw new Error("padding went wrong");
  return body;
}

const body = payload();
const bodyFile = join(dir, "body.json");
writeFileSync(bodyFile, body);
const signature = `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
const script = join(dir, "webhook.lua");
writeFileSync(
  script,
  `
local f = io.open("${bodyFile}", "rb")
wrk.method = "POST"
wrk.body = f:read("*all")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-GitHub-Event"] = "issues"
wrk.headers["X-Hub-Signature-256"] = "${signature}"
wrk.headers["User-Agent"] = "GitHub-Hookshot/bench"
local counter = 0
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
request = function()
  counter = counter + 1
  wrk.headers["X-GitHub-Delivery"] = string.format("%s-%d-%d", RUN or "r", tid or 0, counter)
  return wrk.format()
end
`,
);

interface Measured {
  requests: number;
  non2xx: number;
  perSecond: number;
  latencyAvg: string;
  latencyP99: string;
}

async function wrk(url: string, seconds: number, runId: string): Promise<Measured> {
  const lua = join(dir, `run-${runId}.lua`);
  writeFileSync(lua, `RUN = "${runId}"\n${readFileSync(script, "utf8")}`);
  const { stdout } = await run("wrk", ["-t2", `-c${CONNECTIONS}`, `-d${seconds}s`, "--latency", "-s", lua, url], { maxBuffer: 1 << 20 });
  const duration = /(\d+) requests in ([\d.]+)(m?s)/.exec(stdout);
  const requests = Number(duration?.[1] ?? 0);
  const elapsed = duration ? Number(duration[2]) / (duration[3] === "ms" ? 1000 : 1) : seconds;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
  const errors = /Socket errors: .*/.exec(stdout)?.[0];
  if (errors) console.error(errors);
  return {
    requests,
    non2xx,
    perSecond: Math.round((requests - non2xx) / elapsed),
    latencyAvg: /Latency\s+(\S+)/.exec(stdout)?.[1] ?? "?",
    latencyP99: /99%\s+(\S+)/.exec(stdout)?.[1] ?? "?",
  };
}

function startServer(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SERVER, ...args], { env, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const ready = /READY (\S+)/.exec(out);
      if (ready) resolve({ child, url: ready[1] as string });
    });
    child.once("exit", (code) => reject(new Error(`server ${args[0]} exited with ${code}`)));
  });
}

/** Peak resident set size of a process, in MB. */
function peakRssMb(pid: number): number {
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  return Math.round(kb / 1024);
}

async function measure(name: string, args: string[], env?: NodeJS.ProcessEnv) {
  const { child, url } = await startServer(args, env);
  await wrk(url, WARMUP_SECONDS, `${name}-warm`);
  const result = await wrk(url, SECONDS, name);
  const rssMb = peakRssMb(child.pid!);
  await new Promise<void>((resolve) => {
    child.removeAllListeners("exit");
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 5000).unref();
  });
  console.error(`${name}: ${result.perSecond}/s, ${result.non2xx} non-2xx, latency avg ${result.latencyAvg} p99 ${result.latencyP99}, peak RSS ${rssMb} MB`);
  return { ...result, rssMb };
}

const ceiling = await measure("bare", ["bare", SECRET]);
const peer = await measure("probot", ["probot", SECRET]);
const embeddedDir = join(dir, "embedded");
const ours = await measure("switchboard", ["switchboard", SECRET, embeddedDir]);
const sqlite = new SQLite(join(embeddedDir, "switchboard.db"), { readonly: true });
const embeddedRows = (sqlite.prepare("select count(*) as n from webhook_deliveries").get() as { n: number }).n;
sqlite.close();

// PostgreSQL (and Redis for the queue, as deployed), on a private schema dropped afterwards.
const databaseUrl = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const redisUrl = process.env.REDIS_URL || "redis://127.0.0.1:6379";
const schema = `bench_webhook_${randomBytes(4).toString("hex")}`;
let postgres: (Measured & { rssMb: number; rows: number; redis: boolean }) | null = null;
const admin = new pg.Client({ connectionString: databaseUrl });
try {
  await admin.connect();
  const probe = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const redis = await probe.connect().then(
    () => true,
    () => false,
  );
  probe.disconnect();
  const result = await measure("switchboard-postgres", ["switchboard", SECRET, join(dir, "pg"), schema], { ...process.env, BENCH_DATABASE_URL: databaseUrl, BENCH_REDIS_URL: redis ? redisUrl : "" });
  const rows = Number((await admin.query(`select count(*) as n from "${schema}".webhook_deliveries`)).rows[0].n);
  postgres = { ...result, rows, redis };
} catch (error) {
  console.error(`PostgreSQL run skipped: ${(error as Error).message}`);
} finally {
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
  await admin.end().catch(() => undefined);
}
await cleanRedis(redisUrl).catch(() => undefined);
rmSync(dir, { recursive: true, force: true });

/** Removes the jobs the PostgreSQL run left in Redis (its server used the key prefix `bench:<pid>:`). */
async function cleanRedis(url: string): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  let cursor = "0";
  do {
    const [next, keys] = await client.scan(cursor, "MATCH", "bench:*", "COUNT", 1000);
    if (keys.length) await client.del(...keys);
    cursor = next;
  } while (cursor !== "0");
  await client.quit();
}

console.error(JSON.stringify({ ceiling, peer, ours, embeddedRows, postgres }));
const accepted = (m: Measured) => m.requests - m.non2xx;
const met =
  ours.non2xx === 0 &&
  ours.perSecond >= peer.perSecond &&
  ours.perSecond >= 0.7 * ceiling.perSecond &&
  ours.rssMb <= 200 &&
  postgres !== null &&
  postgres.non2xx === 0 &&
  postgres.perSecond >= 10_000;
console.error(`durable: embedded rows ${embeddedRows} (2xx incl. warm-up >= ${accepted(ours)}), postgres rows ${postgres?.rows ?? "-"}`);
console.log(
  JSON.stringify({
    bench: "webhook-ingest",
    ours: ours.perSecond,
    peer: peer.perSecond,
    ceiling: ceiling.perSecond,
    unit: "deliveries/s",
    target: ">= 1.0x Probot and >= 70% of the bare-HMAC ceiling (embedded), PostgreSQL >= 10,000/s, RSS <= 200 MB",
    met,
  }),
);
