import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { api, startSim, type GithubSim } from "./helpers.js";

const RATE_HEADERS = ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "x-ratelimit-used", "x-ratelimit-resource"];

describe("GitHub simulator: rate limits (§1.5)", () => {
  let sim: GithubSim;
  let acme: number;
  let globex: number;
  let acmeToken: string;
  let globexToken: string;
  const get = (token: string, path = "/repos/acme/web") => api(sim, "GET", path, token);

  beforeAll(async () => {
    sim = await startSim();
    acme = await sim.control.createInstallation({ account: "acme", repositories: ["web"], notify: false });
    globex = await sim.control.createInstallation({ account: "globex", repositories: ["app"], notify: false });
    acmeToken = sim.control.mintToken(acme);
    globexToken = sim.control.mintToken(globex);
  });
  afterAll(() => sim.stop());
  afterEach(() => {
    sim.control.setRateLimit(undefined);
    sim.control.clearSecondaryRateLimit();
    sim.server.clock.reset();
  });

  it("sends x-ratelimit-* on every API response, 5,000/h per installation by default, counting each request (§1.5)", async () => {
    const first = await get(acmeToken);
    for (const name of RATE_HEADERS) expect(first.headers.get(name), name).not.toBeNull();
    expect(first.headers.get("x-ratelimit-limit")).toBe("5000");
    expect(first.headers.get("x-ratelimit-resource")).toBe("core");
    const reset = Number(first.headers.get("x-ratelimit-reset"));
    expect(reset - Date.now() / 1000).toBeGreaterThan(3500);
    const second = await get(acmeToken);
    expect(Number(second.headers.get("x-ratelimit-used"))).toBe(Number(first.headers.get("x-ratelimit-used")) + 1);
    expect(Number(second.headers.get("x-ratelimit-remaining"))).toBe(Number(first.headers.get("x-ratelimit-remaining")) - 1);
    // A 404 counts too; it still carries the headers.
    expect((await get(acmeToken, "/repos/acme/none")).headers.get("x-ratelimit-remaining")).toBe(String(Number(second.headers.get("x-ratelimit-remaining")) - 1));
  });

  it("answers 403 with GitHub's body and remaining 0 once a configured budget is spent (§1.5)", async () => {
    sim.control.setRateLimit({ limit: 10, remaining: 2 });
    expect((await get(acmeToken)).headers.get("x-ratelimit-remaining")).toBe("1");
    expect((await get(acmeToken)).status).toBe(200);
    const spent = await get(acmeToken);
    expect(spent.status).toBe(403);
    expect(spent.json).toEqual({ message: `API rate limit exceeded for installation ID ${acme}.`, documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api", status: "403" });
    expect(spent.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(spent.headers.get("x-ratelimit-limit")).toBe("10");
    expect(spent.headers.get("x-ratelimit-used")).toBe("10");
    expect(spent.headers.get("retry-after")).toBeNull();
  });

  it("keeps budgets per installation (§1.5)", async () => {
    sim.control.setRateLimit({ limit: 1, installationId: acme });
    expect((await get(acmeToken)).status).toBe(200);
    expect((await get(acmeToken)).status).toBe(403);
    const other = await get(globexToken, "/repos/globex/app");
    expect(other.status).toBe(200);
    expect(other.headers.get("x-ratelimit-limit")).toBe("5000");
  });

  it("opens a fresh window when its clock passes x-ratelimit-reset (§1.5)", async () => {
    sim.control.setRateLimit(1);
    expect((await get(acmeToken)).status).toBe(200);
    const spent = await get(acmeToken);
    expect(spent.status).toBe(403);
    const reset = Number(spent.headers.get("x-ratelimit-reset"));
    // Just before the reset: still spent.
    sim.server.clock.setOffset((reset - 2) * 1000 - Date.now());
    expect((await get(acmeToken)).status).toBe(403);
    sim.server.clock.setOffset((reset + 1) * 1000 - Date.now());
    // An hour on, the old token has expired too: take a new one.
    const again = await get(sim.control.mintToken(acme));
    expect(again.status).toBe(200);
    expect(Number(again.headers.get("x-ratelimit-reset"))).toBeGreaterThan(reset);
  });

  it("can answer a spent primary limit with 429 instead of 403 (§1.5)", async () => {
    sim.control.setRateLimit({ limit: 0, status: 429 });
    const spent = await get(acmeToken);
    expect(spent.status).toBe(429);
    expect(spent.headers.get("x-ratelimit-remaining")).toBe("0");
  });

  it("answers a secondary limit with 429, Retry-After and GitHub's message until its clock passes it (§1.5)", async () => {
    sim.control.triggerSecondaryRateLimit({ retryAfterSeconds: 60 });
    const limited = await get(acmeToken);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(55);
    expect(limited.json.message).toMatch(/secondary rate limit/);
    // Not a primary exhaustion: remaining is not 0.
    expect(Number(limited.headers.get("x-ratelimit-remaining"))).toBeGreaterThan(0);
    sim.server.clock.advance(61_000);
    expect((await get(acmeToken)).status).toBe(200);
  });

  it("counts search against its own 30-per-minute budget (§1.5)", async () => {
    const search = await get(acmeToken, "/search/issues?q=repo%3Aacme%2Fweb");
    expect(search.headers.get("x-ratelimit-resource")).toBe("search");
    expect(search.headers.get("x-ratelimit-limit")).toBe("30");
    const core = await get(acmeToken);
    expect(core.headers.get("x-ratelimit-resource")).toBe("core");
  });

  it("does not count GET /rate_limit, which reports the windows (§1.5)", async () => {
    const before = await get(acmeToken);
    const limits = await get(acmeToken, "/rate_limit");
    const after = await get(acmeToken);
    expect(Number(after.headers.get("x-ratelimit-used"))).toBe(Number(before.headers.get("x-ratelimit-used")) + 1);
    expect(limits.json).toMatchObject({ resources: { core: { limit: 5000, used: Number(before.headers.get("x-ratelimit-used")) }, search: { limit: 30 } } });
  });

  it("sets limits over /_sim/rate-limit too (§1.5)", async () => {
    const set = await fetch(`${sim.url}/_sim/rate-limit`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ limit: 0, installationId: acme }) });
    expect(set.status).toBe(200);
    expect((await get(acmeToken)).status).toBe(403);
    await fetch(`${sim.url}/_sim/rate-limit`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect((await get(acmeToken)).status).toBe(200);
  });
});
