import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { GithubControl } from "../../simulators/github/control.js";
import { startGithubSimulator } from "../../simulators/github/index.js";
import type { StartedSimulator } from "../../simulators/shared/types.js";
import { CredentialCache } from "../../src/auth/credential-cache.js";
import { requiresAppAuth } from "../../src/providers/github/app-jwt.js";
import { GithubClient } from "../../src/providers/github/client.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { storeMode } from "../helpers/test-store.js";

describe(`GitHub authorization against the simulator (§2, D1, D4-D6; ${storeMode})`, () => {
  let sim: StartedSimulator<GithubControl>;
  let t: TestApp;
  let installationId: string;

  const env = () => ({
    GITHUB_APP_ID: sim.credentials.GITHUB_APP_ID as string,
    GITHUB_APP_PRIVATE_KEY: sim.credentials.GITHUB_APP_PRIVATE_KEY as string,
    GITHUB_API_URL: sim.url,
  });
  const tokenCalls = () => sim.server.requests.filter((r) => r.path.endsWith("/access_tokens")).length;

  beforeAll(async () => {
    sim = await startGithubSimulator();
    t = await startTestApp({ env: env() });
    installationId = String(await sim.control.createInstallation("acme", { notify: false }));
    sim.control.addRepository(Number(installationId), "acme/web");
  });
  afterAll(async () => {
    await t.close();
    await sim.stop();
  });
  beforeEach(async () => {
    sim.server.requests.length = 0;
    await t.app.store.db.deleteFrom("identities").execute();
    CredentialCache.clear(t.app.store.db);
  });

  it("mints exactly one installation token for 100 concurrent callers in one process", async () => {
    const client = new GithubClient(t.app, installationId);
    const results = await Promise.all(Array.from({ length: 100 }, () => client.request("GET", "/repos/acme/web")));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(tokenCalls()).toBe(1);
  });

  it("stores the token sealed, with its expiry, and reuses it while fresh", async () => {
    const client = new GithubClient(t.app, installationId);
    await client.request("GET", "/repos/acme/web");
    const row = await t.app.store.db.selectFrom("identities").selectAll().where("provider", "=", "github_installation").executeTakeFirstOrThrow();
    expect(row.credential.startsWith("sealed:v1:")).toBe(true);
    expect(row.credential).not.toContain("ghs_");
    expect(row.expires_at! - Math.floor(Date.now() / 1000)).toBeGreaterThan(3500);
    await client.request("GET", "/repos/acme/web");
    expect(tokenCalls()).toBe(1);
  });

  it("mints a new token when the stored one is within the margin of its expiry (D1)", async () => {
    sim.control.setTokenLifetime(30);
    try {
      const client = new GithubClient(t.app, installationId);
      await client.request("GET", "/repos/acme/web");
      await client.request("GET", "/repos/acme/web");
      // 30 s of life is inside the 60 s margin: each use takes a new token.
      expect(tokenCalls()).toBe(2);
    } finally {
      sim.control.setTokenLifetime(3600);
    }
  });

  it("after a 401 on a token that should be valid, re-mints once and retries once", async () => {
    const client = new GithubClient(t.app, installationId);
    await client.request("GET", "/repos/acme/web");
    const row = await t.app.store.db.selectFrom("identities").select("id").executeTakeFirstOrThrow();
    // Age the stored token past the replication window so a 401 means revoked, not "not yet replicated".
    const secret = t.app.vault.openJson<{ token: string; mintedAt: number; permissions: object }>(
      (await t.app.store.db.selectFrom("identities").select("credential").where("id", "=", row.id).executeTakeFirstOrThrow()).credential,
    );
    await t.app.store.db.updateTable("identities").set({ credential: t.app.vault.sealJson({ ...secret, mintedAt: secret.mintedAt - 60 }) }).where("id", "=", row.id).execute();
    CredentialCache.clear(t.app.store.db);
    sim.control.revokeTokens();
    const response = await client.request("GET", "/repos/acme/web");
    expect(response.status).toBe(200);
    expect(tokenCalls()).toBe(2);
    const repoCalls = sim.server.requests.filter((r) => r.path === "/repos/acme/web");
    expect(repoCalls).toHaveLength(3);
  });

  it("corrects clock skew from GitHub's Date header: one JWT refused, then accepted (D4)", async () => {
    sim.server.clock.advance(-20 * 60_000);
    try {
      const client = new GithubClient(t.app, installationId);
      const response = await client.request("GET", `/app/installations/${installationId}`);
      expect(response.status).toBe(200);
      const appCalls = sim.server.requests.filter((r) => r.path === `/app/installations/${installationId}`);
      expect(appCalls).toHaveLength(2);
    } finally {
      sim.server.clock.reset();
    }
  });

  it("reports a spent rate limit as a typed error with the reset time", async () => {
    // Its own installation: the spent budget is remembered until GitHub's reset time.
    const limited = await sim.control.createInstallation("limited", { notify: false });
    sim.control.addRepository(limited, "limited/web");
    const client = new GithubClient(t.app, String(limited));
    await client.request("GET", "/repos/limited/web");
    sim.control.setRateLimit(0);
    try {
      await expect(client.request("GET", "/repos/limited/web")).rejects.toMatchObject({ code: "github_rate_limited", kind: "rate_limited" });
      // The budget is known to be spent: the next call is refused here, without a request to GitHub.
      const sent = sim.server.requests.length;
      await expect(client.request("GET", "/repos/limited/web")).rejects.toMatchObject({ code: "github_rate_limited" });
      expect(sim.server.requests.length).toBe(sent);
    } finally {
      sim.control.setRateLimit(undefined);
    }
  });

  it("never writes a token or the private key to the log", async () => {
    const client = new GithubClient(t.app, installationId);
    await client.request("GET", "/repos/acme/web");
    const tokens = [...(sim.server.requests.map((r) => r.headers.authorization?.split(" ")[1]).filter(Boolean) as string[])];
    const logs = t.logs.join("\n");
    for (const secret of [...tokens, (sim.credentials.GITHUB_APP_PRIVATE_KEY as string).split("\n")[1] as string]) expect(logs).not.toContain(secret);
  });

});

describe("JWT routes (D5)", () => {
  it("uses the app JWT only on app routes, matched exactly", () => {
    expect(requiresAppAuth("/app")).toBe(true);
    expect(requiresAppAuth("/app/installations/42/access_tokens")).toBe(true);
    expect(requiresAppAuth("/repos/acme/web/installation")).toBe(true);
    expect(requiresAppAuth("/repos/acme/access_tokens/issues/1")).toBe(false);
    expect(requiresAppAuth("/repos/acme/web/issues?q=/app/installations")).toBe(false);
  });
});
