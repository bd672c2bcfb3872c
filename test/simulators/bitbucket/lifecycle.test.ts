import { createHash } from "node:crypto";
import { decodeProtectedHeader, importSPKI, jwtVerify } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startBitbucketSimulator } from "../../../simulators/bitbucket/index.js";
import { api, APP_KEY, appToken, startTestApp, type BitbucketSim, type TestApp } from "./helpers.js";

const qshOf = (canonical: string) => createHash("sha256").update(canonical).digest("hex");

/** Verifies a lifecycle JWT as the app must (§4.3): key by kid from the install-keys URL, aud, RS256. */
async function verifyLifecycleJwt(sim: BitbucketSim, app: TestApp, authorization: string | undefined) {
  expect(authorization).toMatch(/^JWT /);
  const token = (authorization as string).slice(4);
  const { kid, alg } = decodeProtectedHeader(token);
  expect(alg).toBe("RS256");
  const pem = await (await fetch(`${sim.credentials.BITBUCKET_INSTALL_KEYS_URL}${kid}`)).text();
  const key = await importSPKI(pem, "RS256");
  return jwtVerify(token, key, { audience: app.descriptor.baseUrl as string, algorithms: ["RS256"] });
}

describe("Bitbucket Connect lifecycle (provider-contracts §4.1-4.3)", () => {
  let sim: BitbucketSim;
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
    sim = await startBitbucketSimulator({ appUrl: app.url });
  });
  afterAll(async () => {
    await sim.stop();
    await app.close();
  });
  afterEach(() => {
    app.received.length = 0;
    app.lifecycleStatus = 200;
  });

  it("reads the descriptor and POSTs installed with the Connect lifecycle fields to its lifecycle URL (§4.1, §4.2)", async () => {
    const result = await sim.control.install();
    expect(result.accepted).toBe(true);
    const [call] = app.received;
    expect(call?.method).toBe("POST");
    expect(call?.path).toBe("/extensions/bitbucket/installed/");
    expect(call?.headers["content-type"]).toBe("application/json");
    const body = JSON.parse(call?.body ?? "{}") as Record<string, unknown>;
    expect(body).toMatchObject({ key: APP_KEY, eventType: "installed", clientKey: result.clientKey, productType: "bitbucket", baseApiUrl: sim.url });
    expect(body.clientKey).toMatch(/^connection:\d+$/);
    expect(typeof body.sharedSecret).toBe("string");
    expect((body.sharedSecret as string).length).toBeGreaterThanOrEqual(32);
    expect(typeof body.publicKey).toBe("string");
    expect(body.principal).toMatchObject({ type: "team", username: "acme", display_name: "Acme" });
    expect((body.principal as { uuid: string }).uuid).toMatch(/^\{[0-9a-f-]{36}\}$/);
    expect((body.principal as { links: { avatar: { href: string } } }).links.avatar.href).toMatch(/avatar/);
    expect(body.user).toMatchObject({ type: "user", username: "ada", display_name: "Ada Lovelace" });
    expect(sim.credentials.BITBUCKET_CLIENT_KEY).toBe(result.clientKey);
    expect(sim.credentials.BITBUCKET_SHARED_SECRET).toBe(body.sharedSecret);
  });

  it("signs installed RS256 with a kid whose PEM the install-keys URL serves; iss = clientKey, aud = baseUrl, exact qsh (§4.3)", async () => {
    const result = await sim.control.install();
    const call = app.received[0];
    const { payload } = await verifyLifecycleJwt(sim, app, call?.headers.authorization);
    expect(payload.iss).toBe(result.clientKey);
    expect(payload.aud).toBe(app.descriptor.baseUrl);
    expect(payload.qsh).toBe(qshOf("POST&/extensions/bitbucket/installed&"));
    expect((payload.exp as number) - (payload.iat as number)).toBeLessThanOrEqual(180);
  });

  it("serves install keys as PEM and answers 404 for an unknown kid (§4.3)", async () => {
    const keys = sim.credentials.BITBUCKET_INSTALL_KEYS_URL as string;
    const { kid } = decodeProtectedHeader((await sim.control.install()).token as string);
    const found = await fetch(`${keys}${kid}`);
    expect(found.status).toBe(200);
    expect(await found.text()).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect((await fetch(`${keys}00000000-0000-0000-0000-000000000000`)).status).toBe(404);
  });

  it("keeps the clientKey on a re-install, signs RS256 again and hands over a new shared secret (§4.3)", async () => {
    const first = await sim.control.install();
    const second = await sim.control.install();
    expect(second.clientKey).toBe(first.clientKey);
    expect(second.sharedSecret).not.toBe(first.sharedSecret);
    const { payload } = await verifyLifecycleJwt(sim, app, app.received[1]?.headers.authorization);
    expect(payload.iss).toBe(first.clientKey);
    // The old secret no longer opens the API; the new one does.
    const url = `${sim.url}/2.0/repositories/acme/backend`;
    expect((await api(sim, "GET", "/2.0/repositories/acme/backend", undefined, appToken("GET", url, first.clientKey, first.sharedSecret))).status).toBe(401);
    expect((await api(sim, "GET", "/2.0/repositories/acme/backend")).status).toBe(200);
  });

  it("can sign a re-install HS256 with the previously stored shared secret (§4.3 legacy regime)", async () => {
    const first = await sim.control.install();
    const second = await sim.control.install({ signing: "hs256-stored" });
    const token = (app.received[1]?.headers.authorization ?? "").slice(4);
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(first.sharedSecret), { algorithms: ["HS256"] });
    expect(protectedHeader.kid).toBeUndefined();
    expect(payload.iss).toBe(second.clientKey);
    expect(payload.qsh).toBe(qshOf("POST&/extensions/bitbucket/installed&"));
  });

  it("does not keep an installation the app refused (§4.2)", async () => {
    await sim.control.uninstall().catch(() => undefined);
    app.lifecycleStatus = 401;
    const before = sim.control.installations().length;
    const result = await sim.control.install({ workspace: "acme" });
    expect(result.accepted).toBe(false);
    expect(result.status).toBe(401);
    expect(sim.control.installations()).toHaveLength(before);
  });

  it("can forge bad installs for the app to refuse: an unserved kid, a wrong aud, no token (D11)", async () => {
    const rogue = await sim.control.install({ unservedKey: true });
    const { kid } = decodeProtectedHeader(rogue.token as string);
    expect((await fetch(`${sim.credentials.BITBUCKET_INSTALL_KEYS_URL}${kid}`)).status).toBe(404);
    const wrongAud = await sim.control.install({ claims: { aud: "https://elsewhere.example/" } });
    await expect(verifyLifecycleJwt(sim, app, `JWT ${wrongAud.token}`)).rejects.toThrow(/aud/);
    const unsigned = await sim.control.install({ signing: "none" });
    expect(unsigned.token).toBeUndefined();
    expect(app.received.at(-1)?.headers.authorization).toBeUndefined();
  });

  it("sends a signed uninstalled, after which the shared secret no longer opens the API (§4.2)", async () => {
    const installed = await sim.control.install();
    app.received.length = 0;
    const result = await sim.control.uninstall(installed.clientKey);
    const call = app.received[0];
    expect(call?.path).toBe("/extensions/bitbucket/uninstalled/");
    expect(JSON.parse(call?.body ?? "{}")).toMatchObject({ eventType: "uninstalled", clientKey: installed.clientKey, key: APP_KEY });
    const { payload } = await verifyLifecycleJwt(sim, app, call?.headers.authorization);
    expect(payload.qsh).toBe(qshOf("POST&/extensions/bitbucket/uninstalled&"));
    expect(result.accepted).toBe(true);
    const url = `${sim.url}/2.0/repositories/acme/backend`;
    expect((await api(sim, "GET", "/2.0/repositories/acme/backend", undefined, appToken("GET", url, installed.clientKey, installed.sharedSecret))).status).toBe(401);
  });

  it("installs over HTTP control too: POST /_sim/install with the app's URL", async () => {
    const response = await fetch(`${sim.url}/_sim/install`, { method: "POST", body: JSON.stringify({ appUrl: app.url, workspace: "acme" }) });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { clientKey: string; accepted: boolean };
    expect(body.accepted).toBe(true);
    expect(sim.credentials.BITBUCKET_CLIENT_KEY).toBe(body.clientKey);
    const bad = await fetch(`${sim.url}/_sim/install`, { method: "POST", body: JSON.stringify({ appUrl: app.url, workspace: "nope" }) });
    expect(bad.status).toBe(400);
  });
});
