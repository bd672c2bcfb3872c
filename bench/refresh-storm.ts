// Benchmark `refresh-storm` (issue 5): 4 processes x 125 concurrent calls (500) against the Azure DevOps
// simulator with an EXPIRED credential whose refresh token rotates. Switchboard must call the token
// endpoint exactly once with no failed call (D1-D3); a Sentry-style client (check expiry, refresh, no lock,
// no re-read, §1.2-1.5) does the same storm beside it. Then the same storm for a GitHub installation
// token: exactly one `access_tokens` call. Needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { startAzureDevopsSimulator } from "../simulators/azure-devops/index.js";
import { startGithubSimulator } from "../simulators/github/index.js";
import { createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { writeCredential } from "../src/store/identities.js";

const PROCESSES = 4;
const CALLS_PER_PROCESS = 125;
const here = dirname(fileURLToPath(import.meta.url));
const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;

interface WorkerResult {
  ok: number;
  failed: number;
  invalidGrant: number;
  errors: string[];
}

if (!databaseUrl || !redisUrl) {
  console.log("refresh-storm needs PostgreSQL and Redis: set DATABASE_URL and REDIS_URL");
  console.log(JSON.stringify({ bench: "refresh-storm", ours: null, peer: null, ceiling: null, unit: "token-endpoint calls", target: "1 token call, 0 failed calls", met: false }));
  process.exit(1);
}

const suffix = randomBytes(4).toString("hex");
const schema = `bench_storm_${suffix}`;
const keyPrefix = `bench:storm:${suffix}:`;
const dataDir = mkdtempSync(join(tmpdir(), "switchboard-bench-"));
const azure = await startAzureDevopsSimulator();
const github = await startGithubSimulator();
const env: Record<string, string> = {
  ...(azure.credentials as Record<string, string>),
  GITHUB_APP_ID: github.credentials.GITHUB_APP_ID as string,
  GITHUB_APP_PRIVATE_KEY: github.credentials.GITHUB_APP_PRIVATE_KEY as string,
  GITHUB_API_URL: github.url,
  DATABASE_URL: databaseUrl,
  REDIS_URL: redisUrl,
  SWITCHBOARD_SECRET_KEY: randomBytes(32).toString("base64"),
  SWITCHBOARD_ALLOW_PRIVATE_TARGETS: "127.0.0.1,::1,localhost",
  SWITCHBOARD_DATA_DIR: dataDir,
  LOG_LEVEL: "silent",
};
const app = await createApp(loadConfig(env), { schema, keyPrefix, logger: createLogger("silent") });

function runWorker(kind: string, startAt: number, target: string): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(here, "_refresh-storm-worker.ts"), kind, String(CALLS_PER_PROCESS), String(startAt), schema, keyPrefix, target], {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, ...env },
    });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out) as WorkerResult) : reject(new Error(`${kind} worker exited ${code}`))));
  });
}

async function storm(kind: string, target: string) {
  // Every process starts at the same instant, well after they have all loaded.
  const startAt = Date.now() + 5000;
  const results = await Promise.all(Array.from({ length: PROCESSES }, () => runWorker(kind, startAt, target)));
  return {
    ok: results.reduce((n, r) => n + r.ok, 0),
    failed: results.reduce((n, r) => n + r.failed, 0),
    invalidGrant: results.reduce((n, r) => n + r.invalidGrant, 0),
    errors: [...new Set(results.flatMap((r) => r.errors))].slice(0, 3),
  };
}

async function expiredIdentity(provider: string, externalId: string, sentryShape: boolean): Promise<void> {
  const tokens = azure.control.issueTokens({ flow: "legacy" });
  const expired = Math.floor(Date.now() / 1000) - 60;
  const now = new Date().toISOString();
  const secret = sentryShape
    ? { access_token: tokens.accessToken, refresh_token: tokens.refreshToken, expires: expired }
    : { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
  await writeCredential(app.store.db, app.vault, { provider, externalId }, 0, secret, expired, now);
}

try {
  const instanceUrl = `${azure.url}/fabrikam/`;
  const workItemId = await azure.control.createWorkItem({ org: "fabrikam", project: "Fabrikam-Fiber", title: "Checkout fails" });

  await expiredIdentity("vsts-sentry", "storm-sentry", true);
  azure.control.resetTokenStats();
  const peer = await storm("sentry-azure", `${instanceUrl}|storm-sentry|${workItemId}`);
  const peerTokenCalls = azure.control.tokenStats().refreshRequests;

  await expiredIdentity("vsts", "storm-ours", false);
  azure.control.resetTokenStats();
  const ours = await storm("ours-azure", `${instanceUrl}|storm-ours|${workItemId}`);
  const ourTokenCalls = azure.control.tokenStats().refreshRequests;
  const stored = await app.store.db.selectFrom("identities").select(["status", "version"]).where("provider", "=", "vsts").where("external_id", "=", "storm-ours").executeTakeFirstOrThrow();

  const installationId = await github.control.createInstallation("acme", { notify: false });
  github.control.addRepository(installationId, "acme/web");
  github.server.requests.length = 0;
  const gh = await storm("ours-github", `${installationId}|acme/web`);
  const githubTokenCalls = github.server.requests.filter((r) => r.method === "POST" && r.path.endsWith("/access_tokens")).length;

  console.log(`processes: ${PROCESSES}, calls: ${PROCESSES * CALLS_PER_PROCESS}, store: PostgreSQL + Redis`);
  console.log(`azure ours         ${ourTokenCalls} token calls  ${ours.ok} ok  ${ours.failed} failed  (credential ${stored.status}, version ${stored.version})`);
  console.log(`azure sentry-style ${peerTokenCalls} token calls  ${peer.ok} ok  ${peer.failed} failed  ${peer.invalidGrant} invalid_grant`);
  console.log(`github ours        ${githubTokenCalls} access_tokens calls  ${gh.ok} ok  ${gh.failed} failed`);
  for (const e of [...ours.errors, ...gh.errors]) console.log(`error: ${e}`);
  const met = ourTokenCalls === 1 && ours.failed === 0 && githubTokenCalls === 1 && gh.failed === 0;
  console.log(
    JSON.stringify({
      bench: "refresh-storm",
      ours: ourTokenCalls,
      peer: peerTokenCalls,
      ceiling: null,
      unit: "token-endpoint calls",
      target: "exactly 1 token-endpoint call and 0 failed calls for 500 calls in 4 processes (Azure refresh and GitHub installation token)",
      met,
      oursFailed: ours.failed,
      peerFailed: peer.failed,
      peerInvalidGrant: peer.invalidGrant,
      githubTokenCalls,
      githubFailed: gh.failed,
    }),
  );
} finally {
  await app.close();
  await azure.stop();
  await github.stop();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
  rmSync(dataDir, { recursive: true, force: true });
}
