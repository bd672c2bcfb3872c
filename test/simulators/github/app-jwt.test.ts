import { generateKeyPairSync } from "node:crypto";
import { createAppAuth } from "@octokit/auth-app";
import { request } from "@octokit/request";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { api, earlyInSecond, goodJwt, nowSeconds, signJwt, startSim, type GithubSim } from "./helpers.js";

const TOO_FAR = "'Expiration time' claim ('exp') is too far in the future";
const EXP_NOT_FUTURE = "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
const IAT = "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";
const UNDECODABLE = "A JSON web token could not be decoded";

describe("GitHub simulator: the app JWT (§1.1, §1.4)", () => {
  let sim: GithubSim;
  let installationId: number;
  const key = () => sim.credentials.GITHUB_APP_PRIVATE_KEY!;
  const appId = () => Number(sim.credentials.GITHUB_APP_ID);

  beforeAll(async () => {
    sim = await startSim();
    installationId = await sim.control.createInstallation({ account: "acme", notify: false });
  });
  afterAll(() => sim.stop());
  afterEach(() => sim.server.clock.reset());

  it("gives an installation token to @octokit/auth-app with request.defaults({ baseUrl }) (§1.1, §1.2)", async () => {
    const auth = createAppAuth({ appId: appId(), privateKey: key(), installationId, request: request.defaults({ baseUrl: sim.url }) });
    const result = await auth({ type: "installation" });
    expect(result.token).toMatch(/^ghs_[A-Za-z0-9]{36}$/);
    expect(result.installationId).toBe(installationId);
    expect(Date.parse(result.expiresAt) - Date.now()).toBeGreaterThan(3590_000);
    // The token auth-app got works on the API: it was really minted here.
    expect((await api(sim, "GET", "/rate_limit", result.token)).status).toBe(200);
  });

  it("refuses a JWT whose exp is 11 minutes after iat with GitHub's message and status (§1.1, §1.4)", async () => {
    const now = nowSeconds();
    const response = await api(sim, "GET", "/app", signJwt(key(), { iat: now, exp: now + 660, iss: appId() }));
    expect(response.status).toBe(401);
    expect(response.json).toEqual({ message: TOO_FAR, documentation_url: "https://docs.github.com/rest", status: "401" });
  });

  it("measures exp against its own clock, not iat: GitHub's documented iat = now - 60, exp = now + 600 is accepted (§1.1)", async () => {
    const now = nowSeconds();
    const response = await api(sim, "GET", "/app", signJwt(key(), { iat: now - 60, exp: now + 600, iss: appId() }));
    expect(response.status).toBe(200);
    expect(response.json.id).toBe(appId());
  });

  it("refuses exp one second past the 10-minute limit of its clock (§1.1)", async () => {
    await earlyInSecond();
    const now = nowSeconds();
    const response = await api(sim, "GET", "/app", signJwt(key(), { iat: now - 60, exp: now + 601, iss: appId() }));
    expect(response.status).toBe(401);
    expect(response.json.message).toBe(TOO_FAR);
  });

  it("refuses an expired JWT and a non-numeric exp with the 'future time' message (§1.4)", async () => {
    const now = nowSeconds();
    for (const exp of [now - 1, "soon"]) {
      const response = await api(sim, "GET", "/app", signJwt(key(), { iat: now - 120, exp, iss: appId() }));
      expect(response.status).toBe(401);
      expect(response.json.message).toBe(EXP_NOT_FUTURE);
    }
  });

  it("allows iat up to 60 s ahead of its clock and refuses more, or a non-integer iat (§1.1, §1.4)", async () => {
    const now = nowSeconds();
    expect((await api(sim, "GET", "/app", signJwt(key(), { iat: now + 30, exp: now + 500, iss: appId() }))).status).toBe(200);
    for (const iat of [now + 120, now - 60.5, String(now)]) {
      const response = await api(sim, "GET", "/app", signJwt(key(), { iat, exp: now + 500, iss: appId() }));
      expect(response.status).toBe(401);
      expect(response.json.message).toBe(IAT);
    }
  });

  it("accepts iss as the numeric app id, a numeric string, or the client id (§1.1)", async () => {
    for (const iss of [appId(), String(appId()), sim.credentials.GITHUB_CLIENT_ID]) {
      expect((await api(sim, "GET", "/app", goodJwt(sim, { iss }))).status, String(iss)).toBe(200);
    }
    expect(sim.credentials.GITHUB_CLIENT_ID).toMatch(/^Iv23li[A-Za-z0-9]{14}$/);
  });

  it("cannot decode a JWT from another key, for another app, not RS256, or not a JWT (§1.4)", async () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const now = nowSeconds();
    const claims = { iat: now - 60, exp: now + 500, iss: appId() };
    const [header, payload] = goodJwt(sim).split(".");
    const candidates = [
      signJwt(other, claims),
      goodJwt(sim, { iss: appId() + 1 }),
      goodJwt(sim, { iss: undefined }),
      signJwt(key(), claims, { alg: "RS512", typ: "JWT" }),
      `${Buffer.from('{"alg":"none"}').toString("base64url")}.${payload}.`,
      `${header}.${payload}.${"A".repeat(342)}`,
      "not-a-jwt",
    ];
    for (const token of candidates) {
      const response = await api(sim, "GET", "/app", token);
      expect(response.status).toBe(401);
      expect(response.json.message).toBe(UNDECODABLE);
    }
  });

  it("refuses an installation token (or nothing) on an app route as an undecodable JWT (§1.1)", async () => {
    const token = sim.control.mintToken(installationId);
    for (const auth of [token, undefined]) {
      const response = await api(sim, "POST", `/app/installations/${installationId}/access_tokens`, auth);
      expect(response.status).toBe(401);
      expect(response.json.message).toBe(UNDECODABLE);
    }
  });

  it("dates every response from its clock, successes and refusals alike, moving with /_sim/clock (§1.4)", async () => {
    const paths = ["/app", "/no/such/route", "/repos/acme/web"];
    for (const path of paths) {
      const response = await fetch(`${sim.url}${path}`);
      expect(Math.abs(Date.parse(response.headers.get("date")!) - Date.now()), path).toBeLessThan(2000);
    }
    const moved = await fetch(`${sim.url}/_sim/clock`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ advanceSeconds: 1800 }) });
    expect(moved.status).toBe(200);
    const response = await api(sim, "GET", "/app", goodJwt(sim));
    // The same JWT is now expired by the simulator's clock, and the Date header says why.
    expect(response.status).toBe(401);
    expect(response.json.message).toBe(EXP_NOT_FUTURE);
    expect(Date.parse(response.headers.get("date")!) - Date.now()).toBeGreaterThan(1790_000);
  });

  it("lets a client correct its skew from the Date header: refused while 20 minutes behind, accepted re-signed (§1.1, §1.4)", async () => {
    sim.server.clock.advance(-20 * 60_000);
    const refused = await api(sim, "GET", "/app", goodJwt(sim));
    expect(refused.status).toBe(401);
    expect(refused.json.message).toBe(IAT);
    const skew = Math.round((Date.parse(refused.headers.get("date")!) - Date.now()) / 1000);
    const now = nowSeconds() + skew;
    const retried = await api(sim, "GET", "/app", signJwt(key(), { iat: now - 30, exp: now + 570, iss: appId() }));
    expect(retried.status).toBe(200);
  });

  it("describes the app on GET /app (§1.1)", async () => {
    const response = await api(sim, "GET", "/app", goodJwt(sim));
    expect(response.json).toMatchObject({ id: appId(), slug: sim.credentials.GITHUB_APP_SLUG, client_id: sim.credentials.GITHUB_CLIENT_ID, name: expect.any(String), owner: { login: expect.any(String) } });
    expect(response.headers.get("x-ratelimit-limit")).toBe("5000");
  });
});
