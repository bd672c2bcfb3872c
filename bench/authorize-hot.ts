// Benchmark `authorize-hot` (issue 5): authorizations per second when the credential is valid, Switchboard's
// GitHub scheme (installation token from the credential cache, the same object the client uses on every
// request) beside @octokit/auth-app's installation authentication with a warm cache, the same number of
// authorizations in one run. Both mint their token once from the GitHub simulator first.
import { createAppAuth } from "@octokit/auth-app";
import { request as octokitRequest } from "@octokit/request";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGithubSimulator } from "../simulators/github/index.js";
import { createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { GithubClient } from "../src/providers/github/client.js";
import { githubAppScheme } from "../src/providers/github/auth.js";
import { AppJwtSigner } from "../src/providers/github/app-jwt.js";
import type { InstallationTokenDeps } from "../src/providers/github/installation-token.js";

const COUNT = 1_000_000;
const ROUNDS = 3;
const TARGET_RATIO = 3;

const dir = mkdtempSync(join(tmpdir(), "bench-authorize-"));
const sim = await startGithubSimulator();
const env = {
  SWITCHBOARD_DATA_DIR: dir,
  GITHUB_APP_ID: sim.credentials.GITHUB_APP_ID as string,
  GITHUB_APP_PRIVATE_KEY: sim.credentials.GITHUB_APP_PRIVATE_KEY as string,
  GITHUB_API_URL: sim.url,
  SWITCHBOARD_ALLOW_PRIVATE_TARGETS: "127.0.0.1",
  LOG_LEVEL: "warn",
};
const config = loadConfig(env as unknown as NodeJS.ProcessEnv);
const app = await createApp(config, { logger: createLogger("warn") });
const installationId = await sim.control.createInstallation("acme", { notify: false });
sim.control.addRepository(installationId, "acme/web");

// Warm ours: one real request mints and stores the token.
await new GithubClient(app, String(installationId)).request("GET", "/repos/acme/web");
const tokens: InstallationTokenDeps = {
  db: app.store.db,
  vault: app.vault,
  lock: app.platform.lock,
  clock: app.clock,
  marginSeconds: config.refreshMarginSeconds,
  mint: () => Promise.reject(new Error("the benchmark must not mint")),
};
const scheme = githubAppScheme(
  { signer: new AppJwtSigner(String(config.github.appId), config.github.privateKey as string), tokens, clock: app.clock, skewSeconds: () => 0 },
  String(installationId),
);
const request = { method: "GET", url: `${sim.url}/repos/acme/web/issues/1`, headers: { accept: "application/vnd.github+json" } };

// Warm the peer: its first call mints, the rest hit its LRU cache.
const auth = createAppAuth({
  appId: Number(env.GITHUB_APP_ID),
  privateKey: env.GITHUB_APP_PRIVATE_KEY,
  request: octokitRequest.defaults({ baseUrl: sim.url }),
});
await auth({ type: "installation", installationId });

async function ours(): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < COUNT; i++) {
    const { request: authorized } = await scheme.authorize(request, { renew: false });
    if (authorized.headers.authorization === undefined) throw new Error("not authorized");
  }
  return COUNT / ((performance.now() - start) / 1000);
}

async function peer(): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < COUNT; i++) {
    const result = await auth({ type: "installation", installationId });
    if (!result.token) throw new Error("not authorized");
  }
  return COUNT / ((performance.now() - start) / 1000);
}

const oursRates: number[] = [];
const peerRates: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  peerRates.push(await peer());
  oursRates.push(await ours());
}
const tokenCalls = sim.server.requests.filter((r) => r.path.endsWith("/access_tokens")).length;
const best = (xs: number[]) => Math.max(...xs);
const oursRate = Math.round(best(oursRates));
const peerRate = Math.round(best(peerRates));
const ratio = oursRate / peerRate;
console.log(`authorizations per round: ${COUNT}, rounds: ${ROUNDS} (best round reported)`);
console.log(`Switchboard GitHub scheme:     ${oursRates.map((r) => Math.round(r).toLocaleString("en")).join(" / ")} authorizations/s`);
console.log(`@octokit/auth-app (warm LRU):  ${peerRates.map((r) => Math.round(r).toLocaleString("en")).join(" / ")} authorizations/s`);
console.log(`ratio ${ratio.toFixed(2)}x; token-endpoint calls during the run: ${tokenCalls} (1 mint each before timing)`);

await app.close();
await sim.stop();
rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    bench: "authorize-hot",
    ours: oursRate,
    peer: peerRate,
    ceiling: null,
    unit: "authorizations/s",
    target: `>= ${TARGET_RATIO}x @octokit/auth-app`,
    met: ratio >= TARGET_RATIO,
  }),
);
