import { createQueryStringHash, encodeSymmetric, fromMethodAndUrl } from "atlassian-jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBitbucketSimulator } from "../../../simulators/bitbucket/index.js";
import { signHs256 } from "../../../simulators/bitbucket/jwt.js";
import { api, APP_KEY, appToken, startTestApp, type BitbucketSim, type TestApp } from "./helpers.js";

const UNAUTHORIZED = { type: "error", error: { message: "Token is invalid, expired, or not supported for this endpoint." } };

describe("Bitbucket API authentication as the app (provider-contracts §4.4, §4.5)", () => {
  let sim: BitbucketSim;
  let app: TestApp;
  let clientKey: string;
  let secret: string;
  const path = "/2.0/repositories/acme/backend/issues?q=title%20~%20%22abc%22&pagelen=5";
  const url = () => `${sim.url}${path}`;
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    app = await startTestApp();
    sim = await startBitbucketSimulator({ appUrl: app.url });
    ({ clientKey, sharedSecret: secret } = await sim.control.install());
  });
  afterAll(async () => {
    await sim.stop();
    await app.close();
  });

  const call = (token: string, scheme = "JWT") => fetch(url(), { headers: { authorization: `${scheme} ${token}` } });

  it("accepts a JWT made with atlassian-jwt (encodeSymmetric + createQueryStringHash) (§4.4, §4.5)", async () => {
    const token = encodeSymmetric({ iss: APP_KEY, sub: clientKey, iat: now(), exp: now() + 300, qsh: createQueryStringHash(fromMethodAndUrl("GET", url())) }, secret);
    const response = await call(token);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ pagelen: 5, values: [] });
  });

  it("refuses a JWT whose qsh is for another request, with Bitbucket's 401 body (§4.4)", async () => {
    const token = appToken("GET", `${sim.url}/2.0/repositories/acme/backend/issues?q=title%20~%20%22abd%22&pagelen=5`, clientKey, secret);
    const response = await call(token);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(UNAUTHORIZED);
    expect(response.headers.get("x-sim-auth-failure")).toMatch(/qsh/);
  });

  it("refuses a JWT whose qsh ignores the method (§4.5)", async () => {
    expect((await call(appToken("POST", url(), clientKey, secret))).status).toBe(401);
  });

  it("refuses a JWT without qsh (§4.4)", async () => {
    expect((await call(appToken("GET", url(), clientKey, secret, { qsh: undefined }))).status).toBe(401);
  });

  it("refuses a JWT signed with another secret (§4.4)", async () => {
    expect((await call(appToken("GET", url(), clientKey, "not-the-shared-secret-0123456789abcdef"))).status).toBe(401);
  });

  it("refuses a JWT whose exp has passed on the simulator's clock (§4.4)", async () => {
    const fresh = appToken("GET", url(), clientKey, secret);
    expect((await call(fresh)).status).toBe(200);
    sim.server.clock.advance(10 * 60 * 1000);
    try {
      const response = await call(fresh);
      expect(response.status).toBe(401);
      expect(response.headers.get("x-sim-auth-failure")).toMatch(/expired/);
    } finally {
      sim.server.clock.reset();
    }
  });

  it("refuses a JWT living longer than the configured maximum (§4.4)", async () => {
    sim.control.setMaxTokenLifetime(600);
    try {
      expect((await call(appToken("GET", url(), clientKey, secret, { exp: now() + 601 }))).status).toBe(401);
      expect((await call(appToken("GET", url(), clientKey, secret, { exp: now() + 590 }))).status).toBe(200);
    } finally {
      sim.control.setMaxTokenLifetime(3600);
    }
  });

  it("needs sub = clientKey and iss = the app key (§4.4)", async () => {
    expect((await call(appToken("GET", url(), clientKey, secret, { sub: undefined }))).status).toBe(401);
    expect((await call(appToken("GET", url(), clientKey, secret, { iss: clientKey }))).status).toBe(401);
    expect((await call(appToken("GET", url(), "connection:1", secret))).status).toBe(401);
  });

  it("takes only the case-sensitive JWT scheme in the Authorization header, not ?jwt= (§4.4)", async () => {
    const token = appToken("GET", url(), clientKey, secret);
    expect((await call(token, "Bearer")).status).toBe(401);
    expect((await call(token, "jwt")).status).toBe(401);
    expect((await fetch(`${url()}&jwt=${token}`)).status).toBe(401);
  });

  it("refuses alg none and RS256 on API calls (§4.4)", async () => {
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const claims = { iss: APP_KEY, sub: clientKey, iat: now(), exp: now() + 60, qsh: createQueryStringHash(fromMethodAndUrl("GET", url())) };
    expect((await call(`${enc({ alg: "none", typ: "JWT" })}.${enc(claims)}.`)).status).toBe(401);
    const hs = signHs256(claims, secret).split(".");
    expect((await call(`${enc({ alg: "RS256", typ: "JWT" })}.${hs[1]}.${hs[2]}`)).status).toBe(401);
  });

  it("accepts a qsh over the decoded or the percent-encoded form of a {uuid} path (§4.5)", async () => {
    const created = await api(sim, "POST", "/2.0/repositories/acme/backend/hooks", { url: "http://127.0.0.1:1/h", events: ["issue:updated"] });
    const uuid = ((await created.json()) as { uuid: string }).uuid;
    const path = `/2.0/repositories/acme/backend/hooks/${uuid}`;
    const encoded = `${sim.url}/2.0/repositories/acme/backend/hooks/${encodeURIComponent(uuid)}`;
    // Sentry hashes the literal path it builds; atlassian-jwt hashes the URL's escaped path.
    const literalQsh = createQueryStringHash({ method: "GET", pathname: path, query: {} });
    const escapedQsh = createQueryStringHash(fromMethodAndUrl("GET", encoded));
    expect(literalQsh).not.toBe(escapedQsh);
    for (const qsh of [literalQsh, escapedQsh]) {
      const token = encodeSymmetric({ iss: APP_KEY, sub: clientKey, iat: now(), exp: now() + 60, qsh }, secret);
      expect((await fetch(encoded, { headers: { authorization: `JWT ${token}` } })).status).toBe(200);
    }
  });

  it("answers 403 with Bitbucket's scope error when the descriptor did not ask for the scope (§4.1)", async () => {
    const narrow = await startTestApp(["account", "repository"]);
    const other = await startBitbucketSimulator({ appUrl: narrow.url });
    try {
      await other.control.install();
      const response = await api(other, "POST", "/2.0/repositories/acme/backend/issues", { title: "x" });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({
        type: "error",
        error: { message: "Your credentials lack one or more required privilege scopes.", detail: { granted: ["account", "repository"], required: ["issue:write"] } },
      });
      expect((await api(other, "GET", "/2.0/repositories/acme/backend")).status).toBe(200);
    } finally {
      await other.stop();
      await narrow.close();
    }
  });
});
