import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addProjectTeam, createIntegration, createMember, createOrganization, createProject, createTeam } from "../helpers/fixtures.js";
import { createTestStore, redisUrl, storeMode, type TestStore } from "../helpers/test-store.js";

const BIN = join(import.meta.dirname, "../../bin/switchboard.js");
const SECRET = "kill-worker-secret";
const INSTALLATION = 77_001;
const REPO = "acme/web";
const DELIVERIES = 1000;
// A Redis database of its own: the children run with BullMQ's default key prefix, which must not meet anyone else's jobs.
const REDIS_DB = 9;

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });

/** Empties this test's own Redis database (REDIS_DB), so no job of an earlier run meets the next one. */
async function emptyRedisDatabase(url: string): Promise<void> {
  const client = new Redis(url);
  await client.flushdb();
  await client.quit();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`a worker killed with SIGKILL mid-way loses nothing and repeats no effect (issue 6; ${storeMode})`, () => {
  let ts: TestStore;
  let env: NodeJS.ProcessEnv;
  const children: ChildProcess[] = [];
  const output: string[] = [];

  const start = (args: string[]) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.on("data", (c: Buffer) => output.push(c.toString()));
    child.stderr?.on("data", (c: Buffer) => output.push(c.toString()));
    children.push(child);
    return child;
  };
  const stop = (child: ChildProcess, signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill(signal);
    });
  const processed = async () =>
    Number((await ts.store.db.selectFrom("webhook_deliveries").select((eb) => eb.fn.countAll<number | string>().as("n")).where("state", "=", "processed").executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    ts = await createTestStore();
    const db = ts.store.db;
    const org = await createOrganization(db, "acme-kill");
    const integration = await createIntegration(db, org.id, { provider: "github", externalId: String(INSTALLATION), config: { sync_reverse_assignment: true } });
    const project = await createProject(db, org.id, "web");
    const team = await createTeam(db, org.id);
    await addProjectTeam(db, project.id, team.id);
    const ana = await createMember(db, org.id, { email: "ana@example.com", teams: [team.id] });
    await db.insertInto("external_actors").values({ organization_id: org.id, integration_id: integration.id, provider: "github", external_name: "@ana-gh", external_id: null, user_id: ana.id, team_id: null, date_added: new Date().toISOString() }).execute();
    // One linked group per issue number, written in bulk (the fixtures' one-by-one path is too slow for 1,000).
    const seen = new Date().toISOString();
    const numbers = Array.from({ length: DELIVERIES }, (_, i) => i + 1);
    const groups = await db
      .insertInto("groups")
      .values(numbers.map((n) => ({ project_id: project.id, short_id: n, fingerprint_hash: `fp-kill-${n}`, title: `Error ${n}`, culprit: "", message: "", level: "error", status: "unresolved", first_seen: seen, last_seen: seen, times_seen: 1, resolved_at: null, data: "{}" })))
      .returning(["id", "short_id"])
      .execute();
    const issues = await db
      .insertInto("external_issues")
      .values(numbers.map((n) => ({ organization_id: org.id, integration_id: integration.id, key: `${REPO}#${n}`, title: null, description: null, metadata: "{}", date_added: seen })))
      .returning(["id", "key"])
      .execute();
    const issueOf = new Map(issues.map((i) => [i.key, i.id]));
    await db
      .insertInto("group_links")
      .values(groups.map((g) => ({ group_id: g.id, project_id: project.id, linked_type: "issue", linked_id: issueOf.get(`${REPO}#${g.short_id}`) as number, relationship: "references", data: "{}", datetime: seen })))
      .execute();
    let databaseUrl = "";
    let redis = "";
    if (process.env.DATABASE_URL && ts.schema) {
      // The children open the same private schema through the connection string's search_path.
      const url = new URL(process.env.DATABASE_URL);
      url.searchParams.set("options", `-c search_path=${ts.schema}`);
      databaseUrl = url.toString();
    }
    if (redisUrl) {
      const url = new URL(redisUrl);
      url.pathname = `/${REDIS_DB}`;
      redis = url.toString();
      await emptyRedisDatabase(redis);
    }
    env = {
      ...process.env,
      SWITCHBOARD_DATA_DIR: ts.dataDir,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis,
      SWITCHBOARD_SECRET_KEY: randomBytes(32).toString("base64"),
      GITHUB_WEBHOOK_SECRET: SECRET,
      LOG_LEVEL: "warn",
    };
  }, 120_000);

  afterAll(async () => {
    await Promise.all(children.map((c) => stop(c, "SIGKILL")));
    await ts?.destroy();
    if (env?.REDIS_URL) await emptyRedisDatabase(env.REDIS_URL);
  });

  it("records 1,000 signed deliveries, survives kill -9 of the first worker, and applies each delivery's effect exactly once", async () => {
    const port = await freePort();
    const serve = start(["serve", "--worker", "off", "--port", String(port), "--host", "127.0.0.1"]);
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) break;
      if (i > 200 || serve.exitCode !== null) throw new Error(`serve did not start: ${output.join("")}`);
      await sleep(50);
    }

    const statuses: number[] = [];
    const send = async (number: number) => {
      const body = JSON.stringify({ action: "assigned", issue: { number, updated_at: "2026-01-01T00:00:00Z", assignees: [{ login: "ana-gh" }] }, repository: { full_name: REPO }, installation: { id: INSTALLATION } });
      const response = await fetch(`${base}/extensions/github/webhook/`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-github-event": "issues", "x-github-delivery": `kill-${number}`, "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}` },
        body,
      });
      statuses.push(response.status);
    };
    for (let next = 1; next <= DELIVERIES; next += 25) await Promise.all(Array.from({ length: 25 }, (_, i) => send(next + i)));
    expect(statuses.filter((s) => s === 204)).toHaveLength(DELIVERIES);
    expect(await processed()).toBe(0);

    const first = start(["worker"]);
    let atKill = 0;
    for (let i = 0; i < 1500 && atKill < 150; i++) {
      await sleep(20);
      atKill = await processed();
    }
    await stop(first, "SIGKILL");
    atKill = await processed();
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(DELIVERIES);

    const second = start(["worker"]);
    let done = atKill;
    for (let i = 0; i < 450 && done < DELIVERIES; i++) {
      await sleep(100);
      done = await processed();
    }
    await stop(second, "SIGTERM");
    await stop(serve, "SIGTERM");

    const db = ts.store.db;
    const deliveries = await db.selectFrom("webhook_deliveries").select(["delivery_id", "state"]).execute();
    expect(deliveries).toHaveLength(DELIVERIES);
    expect(deliveries.filter((d) => d.state !== "processed"), output.join("")).toEqual([]);
    const activity = await db.selectFrom("activity").select("group_id").where("type", "=", "assigned").execute();
    expect(activity).toHaveLength(DELIVERIES);
    expect(new Set(activity.map((a) => a.group_id)).size).toBe(DELIVERIES);
    expect(await db.selectFrom("group_assignees").select("group_id").execute()).toHaveLength(DELIVERIES);
  }, 120_000);
});
