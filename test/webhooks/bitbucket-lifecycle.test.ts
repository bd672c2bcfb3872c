import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BitbucketControl } from "../../simulators/bitbucket/control.js";
import { startBitbucketSimulator } from "../../simulators/bitbucket/index.js";
import type { StartedSimulator } from "../../simulators/shared/types.js";
import { createOrganization, installIntegration } from "../helpers/fixtures.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { storeMode } from "../helpers/test-store.js";

describe(`Bitbucket Connect lifecycle: installed / uninstalled (§8.1 with D11; ${storeMode})`, () => {
  let sim: StartedSimulator<BitbucketControl>;
  let t: TestApp;

  const db = () => t.app.store.db;
  const bitbucketIntegrations = () => db().selectFrom("integrations").selectAll().where("provider", "=", "bitbucket").execute();
  const keyFetches = () => sim.server.requests.filter((r) => r.path.startsWith("/install-keys/")).length;

  beforeAll(async () => {
    sim = await startBitbucketSimulator();
    t = await startTestApp({ env: { BITBUCKET_INSTALL_KEYS_URL: sim.credentials.BITBUCKET_INSTALL_KEYS_URL as string } });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  it("serves a Connect descriptor whose baseUrl is our public URL and whose lifecycle paths are ours", async () => {
    const response = await fetch(`${t.url}/extensions/bitbucket/descriptor/`);
    expect(response.status).toBe(200);
    const descriptor = (await response.json()) as { baseUrl: string; authentication: { type: string }; lifecycle: Record<string, string> };
    expect(descriptor.baseUrl).toBe(t.app.config.publicUrl);
    expect(descriptor.authentication.type).toBe("jwt");
    expect(descriptor.lifecycle).toEqual({ installed: "/extensions/bitbucket/installed/", uninstalled: "/extensions/bitbucket/uninstalled/" });
  });

  const forgeries: Array<[string, Parameters<BitbucketControl["install"]>[0]]> = [
    ["no Authorization header", { signing: "none" }],
    ["a kid the install-keys server does not serve", { unservedKey: true }],
    ["an audience other than our base URL", { claims: { aud: "https://evil.example" } }],
    ["a query hash of another request", { claims: { qsh: "0".repeat(64) } }],
    ["an issuer other than the body's clientKey", { claims: { iss: "connection:someone-else" } }],
    ["an expired token", { claims: { iat: Math.floor(Date.now() / 1000) - 3600, exp: Math.floor(Date.now() / 1000) - 1800 } }],
    ["no qsh claim", { claims: { qsh: null } }],
    ["HS256 signed with the secret in the body (a first install proves nothing that way)", { signing: "hs256-new" }],
  ];
  for (const [name, options] of forgeries) {
    it(`refuses an install with ${name}: 401 and nothing written`, async () => {
      const result = await sim.control.install({ appUrl: t.url, ...options });
      expect(result.status).toBe(401);
      expect(result.accepted).toBe(false);
      expect(await bitbucketIntegrations()).toEqual([]);
    });
  }

  let clientKey: string;
  let integrationId: number;

  it("creates the integration from a signed install: clientKey, workspace name, metadata, the shared secret sealed", async () => {
    const result = await sim.control.install({ appUrl: t.url });
    expect(result.status).toBe(200);
    expect(result.accepted).toBe(true);
    clientKey = result.clientKey;
    const [row, ...others] = await bitbucketIntegrations();
    expect(others).toEqual([]);
    expect(row).toMatchObject({ external_id: clientKey, name: "acme", status: "active" });
    integrationId = row!.id;
    expect(row!.metadata).not.toContain(result.sharedSecret);
    const metadata = JSON.parse(row!.metadata) as Record<string, unknown>;
    expect(String(metadata.shared_secret)).toMatch(/^sealed:/);
    expect(t.app.vault.open(String(metadata.shared_secret))).toBe(result.sharedSecret);
    const host = new URL(sim.url).host;
    expect(metadata).toMatchObject({ base_url: sim.url, domain_name: `${host}/acme`, type: "team", scopes: ["issue:write", "pullrequest", "webhook", "repository"] });
    expect(String(metadata.icon)).toContain("/account/acme/avatar/");
    expect(metadata.public_key).toEqual(expect.any(String));
    expect(t.logs.join("")).not.toContain(result.sharedSecret);
  });

  it("updates the same integration on a re-install, replacing the shared secret, and fetches an install key once per kid", async () => {
    const fetchesBefore = keyFetches();
    const again = await sim.control.install({ appUrl: t.url });
    expect(again.status).toBe(200);
    expect(again.clientKey).toBe(clientKey);
    const legacy = await sim.control.install({ appUrl: t.url, signing: "hs256-stored" });
    expect(legacy.status).toBe(200);
    const rows = await bitbucketIntegrations();
    expect(rows.map((r) => r.id)).toEqual([integrationId]);
    const sealed = String((JSON.parse(rows[0]!.metadata) as Record<string, unknown>).shared_secret);
    expect(t.app.vault.open(sealed)).toBe(legacy.sharedSecret);
    expect(keyFetches()).toBe(fetchesBefore);
  });

  it("refuses an HS256 re-install signed with anything but the stored secret", async () => {
    const result = await sim.control.install({ appUrl: t.url, signing: "hs256-new" });
    expect(result.status).toBe(401);
    const sealed = String((JSON.parse((await bitbucketIntegrations())[0]!.metadata) as Record<string, unknown>).shared_secret);
    expect(t.app.vault.open(sealed)).not.toBe(result.sharedSecret);
  });

  it("verifies a rotated install key by its new kid", async () => {
    sim.control.rotateInstallKey();
    const result = await sim.control.install({ appUrl: t.url });
    expect(result.status).toBe(200);
  });

  it("answers 405 to other methods and 400 to a body that is not JSON", async () => {
    for (const path of ["installed", "uninstalled"]) {
      const get = await fetch(`${t.url}/extensions/bitbucket/${path}/`);
      expect(get.status).toBe(405);
      expect(get.headers.get("allow")).toBe("POST");
      const bad = await fetch(`${t.url}/extensions/bitbucket/${path}/`, { method: "POST", headers: { "content-type": "application/json" }, body: "{" });
      expect(bad.status).toBe(400);
    }
  });

  it("refuses an uninstall that is not signed, leaving the integration active", async () => {
    const installation = sim.control.installations()[0]!;
    const response = await fetch(`${t.url}/extensions/bitbucket/uninstalled/`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ eventType: "uninstalled", clientKey: installation.clientKey }),
    });
    expect(response.status).toBe(401);
    expect((await bitbucketIntegrations())[0]!.status).toBe("active");
  });

  it("disables the integration and its organization installations on a signed uninstall, keeping the rows", async () => {
    const org = await createOrganization(db(), `bb-${Date.now()}`);
    await installIntegration(db(), org.id, integrationId);
    const result = await sim.control.uninstall(clientKey);
    expect(result.status).toBe(200);
    const [row] = await bitbucketIntegrations();
    expect(row).toMatchObject({ id: integrationId, status: "disabled" });
    const installs = await db().selectFrom("organization_integrations").select("status").where("integration_id", "=", integrationId).execute();
    expect(installs).toEqual([{ status: "disabled" }]);
  });

  it("refuses a legacy HS256 install once the clientKey was uninstalled (its old secret proves nothing)", async () => {
    const response = await fetch(`${t.url}/extensions/bitbucket/installed/`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ eventType: "installed", clientKey, sharedSecret: "x".repeat(43) }),
    });
    expect(response.status).toBe(401);
    expect((await bitbucketIntegrations())[0]!.status).toBe("disabled");
  });
});
