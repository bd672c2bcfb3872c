// Benchmark `intake` (issue 3): envelopes/s accepted and grouped by Switchboard on the embedded store
// (SQLite), beside a bare Fastify route that only parses the same envelope (the ceiling), in one run.
// wrk -t2 -c50 -d10s posts an envelope with a valid X-Sentry-Auth; a Lua script gives each request a
// fresh event id and rotates 20 error types, so every request is a new event landing in one of 20 groups.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import Fastify from "fastify";
import { buildServer } from "../src/api/server.js";
import { createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { parseEnvelope } from "../src/domain/envelope.js";
import { createLogger } from "../src/logger.js";
import { createOrganization } from "../src/store/organizations.js";
import { listProjectKeys } from "../src/store/project-keys.js";
import { createProject } from "../src/store/projects.js";

const run = promisify(execFile);
const CONNECTIONS = 50;
const SECONDS = 10;
const dir = mkdtempSync(join(tmpdir(), "bench-intake-"));

const LUA = `
local counter = 0
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
init = function()
  math.randomseed(os.time() + (tid or 0) * 7919)
end
local template = [[{"event_id":"EVENTID","sent_at":"2026-11-24T12:00:00.000Z","sdk":{"name":"sentry.javascript.node","version":"10.0.0"}}
{"type":"event","content_type":"application/json"}
{"event_id":"EVENTID","platform":"node","level":"error","timestamp":1795000000,"environment":"production","release":"shop@1.2.3","exception":{"values":[{"type":"BenchErrorTYPE","value":"something failed with code 42","mechanism":{"type":"generic","handled":true},"stacktrace":{"frames":[{"filename":"node:internal/process/task_queues","function":"processTicksAndRejections","in_app":false,"lineno":95,"colno":5},{"filename":"/srv/shop/src/router.js","module":"router","function":"dispatch","in_app":true,"lineno":210,"colno":12},{"filename":"/srv/shop/src/checkout.js","module":"checkout","function":"chargeCard","in_app":true,"lineno":120,"colno":9}]}}]},"tags":{"region":"eu","tenant":"acme"},"contexts":{"os":{"name":"Linux"},"runtime":{"name":"node","version":"v20.20.2"}},"breadcrumbs":[{"timestamp":1795000000,"category":"http","message":"GET /cart"}]}
]]
request = function()
  counter = counter + 1
  local id = string.format("%08x%08x%08x%08x", tid or 0, math.random(0, 0x7fffffff), counter, math.random(0, 0x7fffffff))
  local body = template:gsub("EVENTID", id):gsub("TYPE", tostring(counter % 20))
  return wrk.format("POST", nil, nil, body)
end
`;

interface WrkResult {
  requests: number;
  non2xx: number;
  seconds: number;
  acceptedPerSecond: number;
  latencyAvg: string;
}

async function wrk(url: string, auth: string, script: string): Promise<WrkResult> {
  const { stdout } = await run("wrk", [`-t2`, `-c${CONNECTIONS}`, `-d${SECONDS}s`, "--latency", "-s", script, "-H", `X-Sentry-Auth: ${auth}`, "-H", "Content-Type: application/x-sentry-envelope", url], {
    maxBuffer: 1 << 20,
  });
  const requests = Number(/(\d+) requests in ([\d.]+)(m?s)/.exec(stdout)?.[1] ?? 0);
  const duration = /(\d+) requests in ([\d.]+)(m?s)/.exec(stdout);
  const seconds = duration ? Number(duration[2]) / (duration[3] === "ms" ? 1000 : 1) : SECONDS;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
  const errors = /Socket errors: .*/.exec(stdout)?.[0];
  if (errors) console.error(errors);
  const latencyAvg = /Latency\s+(\S+)/.exec(stdout)?.[1] ?? "?";
  return { requests, non2xx, seconds, acceptedPerSecond: Math.round((requests - non2xx) / seconds), latencyAvg };
}

const script = join(dir, "envelope.lua");
writeFileSync(script, LUA);

// The ceiling: a bare Fastify route that reads the raw body and parses the envelope and its event item.
const bare = Fastify({ logger: false, bodyLimit: 20 * 1024 * 1024 });
bare.removeAllContentTypeParsers();
bare.addContentTypeParser("*", { parseAs: "buffer" }, (_req, body, done) => done(null, body));
bare.post("/api/:projectId/envelope/", async (request) => {
  const envelope = parseEnvelope(request.body as Buffer);
  const item = envelope.items.find((i) => i.type === "event");
  const event = JSON.parse(item!.payload.toString("utf8")) as { event_id: string };
  return { id: event.event_id };
});
const bareUrl = await bare.listen({ port: 0, host: "127.0.0.1" });

// Switchboard on the embedded store, as `serve` runs it.
const config = loadConfig({ SWITCHBOARD_DATA_DIR: dir, LOG_LEVEL: "warn", PORT: "0", SWITCHBOARD_SECRET_KEY: undefined } as Record<string, string | undefined>);
const app = await createApp(config, { logger: createLogger("warn", process.stderr) });
const server = await buildServer(app);
const url = await server.listen({ port: 0, host: "127.0.0.1" });
const org = await createOrganization(app, { name: "Bench" });
const project = await createProject(app, { organizationId: org.id, name: "Shop", platform: "node" });
const key = (await listProjectKeys(app.store.db, project.id))[0]!;
const auth = `Sentry sentry_key=${key.publicKey}, sentry_version=7, sentry_client=sentry.javascript.node/10.0.0`;

// A short warm-up of each, then the measured runs.
const ceiling = await wrk(`${bareUrl}/api/${project.id}/envelope/`, auth, script);
const ours = await wrk(`${url}/api/${project.id}/envelope/`, auth, script);

const stored = await app.store.db.selectFrom("events").select((eb) => eb.fn.countAll().as("n")).where("project_id", "=", project.id).executeTakeFirstOrThrow();
const groups = await app.store.db.selectFrom("groups").select((eb) => [eb.fn.countAll().as("n"), eb.fn.sum("times_seen").as("seen")]).where("project_id", "=", project.id).executeTakeFirstOrThrow();
console.error(
  JSON.stringify({ ceiling, ours, storedEvents: Number(stored.n), groups: Number(groups.n), timesSeen: Number(groups.seen) }),
);

await server.close();
await app.close();
await bare.close();
rmSync(dir, { recursive: true, force: true });

const target = 0.5;
console.log(
  JSON.stringify({
    bench: "intake",
    ours: ours.acceptedPerSecond,
    peer: null,
    ceiling: ceiling.acceptedPerSecond,
    unit: "envelopes/s",
    target: ">= 50% of the bare-Fastify parse ceiling",
    met: ours.non2xx === 0 && ours.acceptedPerSecond >= target * ceiling.acceptedPerSecond,
  }),
);
