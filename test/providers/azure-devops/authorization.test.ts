import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAzureDevopsSimulator, type AzureDevopsControl } from "../../../simulators/azure-devops/index.js";
import type { StartedSimulator } from "../../../simulators/shared/types.js";
import { isAppError } from "../../../src/domain/errors.js";
import { readCredential } from "../../../src/store/identities.js";
import { getProfile } from "../../../src/providers/azure-devops/profile.js";
import { getWorkItem } from "../../../src/providers/azure-devops/work-items.js";
import { startTestApp, type TestApp } from "../../helpers/test-app.js";
import { storeMode } from "../../helpers/test-store.js";
import { azureEnv, clientFor, restRequests, seedIdentity, tokenRequests } from "./azure-harness.js";

async function failure(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return { code: isAppError(error) ? error.code : undefined, message: (error as Error).message };
  }
  throw new Error("expected a failure");
}

describe(`Azure DevOps authorization over the simulator (§1, D1-D3, D15; ${storeMode})`, () => {
  let sim: StartedSimulator<AzureDevopsControl>;
  let t: TestApp;
  let workItemId: number;

  beforeAll(async () => {
    sim = await startAzureDevopsSimulator();
    t = await startTestApp({ env: azureEnv(sim) });
    workItemId = await sim.control.createWorkItem({ org: "fabrikam", project: "Fabrikam-Fiber", title: "Checkout fails" });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });
  beforeEach(() => {
    sim.server.requests.length = 0;
  });

  it("makes exactly one token call for 100 concurrent callers holding an expired credential", async () => {
    const identity = await seedIdentity(t.app, sim);
    const client = clientFor(t.app, sim, identity);
    const results = await Promise.all(Array.from({ length: 100 }, () => getWorkItem(client, String(workItemId))));
    expect(results.every((r) => r.id === workItemId)).toBe(true);
    expect(tokenRequests(sim)).toHaveLength(1);
    expect(restRequests(sim)).toHaveLength(100);
  });

  it("sends the legacy refresh form of §1.5 with a computed Content-Length (D15)", async () => {
    const identity = await seedIdentity(t.app, sim);
    await getWorkItem(clientFor(t.app, sim, identity), String(workItemId));
    const [call] = tokenRequests(sim);
    const form = new URLSearchParams(call!.body);
    expect(Object.fromEntries(form)).toEqual({
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: sim.credentials.AZURE_DEVOPS_CLIENT_SECRET,
      grant_type: "refresh_token",
      assertion: identity.refreshToken,
      redirect_uri: sim.credentials.AZURE_DEVOPS_REDIRECT_URL,
    });
    expect(call!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Number(call!.headers["content-length"])).toBe(Buffer.byteLength(call!.body));
  });

  it("persists the rotated refresh token, sealed, and the old one is dead at the simulator", async () => {
    const identity = await seedIdentity(t.app, sim);
    await getWorkItem(clientFor(t.app, sim, identity), String(workItemId));
    const stored = await readCredential<{ accessToken: string; refreshToken: string }>(t.app.store.db, t.app.vault, "vsts", identity.externalId);
    expect(stored!.secret.refreshToken).not.toBe(identity.refreshToken);
    // expires_in arrives as a string ("3600"): the expiry is an hour ahead, not "now".
    expect(stored!.expiresAt! - Math.floor(Date.now() / 1000)).toBeGreaterThan(3000);
    const row = await t.app.store.db.selectFrom("identities").select("credential").where("external_id", "=", identity.externalId).executeTakeFirstOrThrow();
    expect(row.credential).not.toContain(stored!.secret.refreshToken);
    const replay = await fetch(`${sim.url}/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        client_assertion: sim.credentials.AZURE_DEVOPS_CLIENT_SECRET as string,
        grant_type: "refresh_token",
        assertion: identity.refreshToken,
        redirect_uri: sim.credentials.AZURE_DEVOPS_REDIRECT_URL as string,
      }),
    });
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as { Error: string }).Error).toBe("invalid_grant");
  });

  it("marks a credential whose refresh token was already used needs_reauth, then fails fast without token calls (D3)", async () => {
    const identity = await seedIdentity(t.app, sim);
    // Someone else (a second deployment, an old copy) redeemed the refresh token first.
    await fetch(`${sim.url}/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        client_assertion: sim.credentials.AZURE_DEVOPS_CLIENT_SECRET as string,
        grant_type: "refresh_token",
        assertion: identity.refreshToken,
        redirect_uri: sim.credentials.AZURE_DEVOPS_REDIRECT_URL as string,
      }),
    });
    sim.server.requests.length = 0;
    const client = clientFor(t.app, sim, identity);
    expect((await failure(getWorkItem(client, String(workItemId)))).code).toBe("identity_needs_reauth");
    const row = await t.app.store.db.selectFrom("identities").select(["status", "last_error"]).where("external_id", "=", identity.externalId).executeTakeFirstOrThrow();
    expect(row.status).toBe("needs_reauth");
    expect(row.last_error).toContain("HTTP 400 (invalid_grant)");
    expect(tokenRequests(sim)).toHaveLength(1);
    for (let i = 0; i < 3; i++) expect((await failure(getWorkItem(client, String(workItemId)))).code).toBe("identity_needs_reauth");
    expect(tokenRequests(sim)).toHaveLength(1);
    expect(restRequests(sim)).toHaveLength(0);
  });

  it("refreshes with the limited app's secret when the identity's scopes lack vso.code (§1.5)", async () => {
    const identity = await seedIdentity(t.app, sim, { flow: "legacy-limited" });
    const item = await getWorkItem(clientFor(t.app, sim, identity), String(workItemId));
    expect(item.id).toBe(workItemId);
    const form = new URLSearchParams(tokenRequests(sim)[0]!.body);
    expect(form.get("client_assertion")).toBe(sim.credentials.AZURE_DEVOPS_LIMITED_CLIENT_SECRET);
    expect(sim.control.tokenStats().byGrant["legacy:refresh_token"]?.issued).toBeGreaterThan(0);
  });

  it("refreshes through Entra ID's v2 endpoint for migrated integrations (§1.6), numeric expires_in", async () => {
    const identity = await seedIdentity(t.app, sim, { flow: "entra" });
    const item = await getWorkItem(clientFor(t.app, sim, identity, "entra"), String(workItemId));
    expect(item.id).toBe(workItemId);
    const [call] = tokenRequests(sim);
    expect(call!.path).toBe("/common/oauth2/v2.0/token");
    expect(Object.fromEntries(new URLSearchParams(call!.body))).toEqual({
      grant_type: "refresh_token",
      client_id: sim.credentials.AZURE_DEVOPS_ENTRA_CLIENT_ID,
      client_secret: sim.credentials.AZURE_DEVOPS_ENTRA_CLIENT_SECRET,
      refresh_token: identity.refreshToken,
    });
    const stored = await readCredential<{ refreshToken: string }>(t.app.store.db, t.app.vault, "vsts", identity.externalId);
    expect(stored!.secret.refreshToken).not.toBe(identity.refreshToken);
    expect(stored!.expiresAt! - Math.floor(Date.now() / 1000)).toBeGreaterThan(3000);
  });

  it("refuses a credential without expiry with identity_missing_expiry before any HTTP call (§1.3)", async () => {
    const identity = await seedIdentity(t.app, sim, { expiresAt: null });
    const error = await failure(getWorkItem(clientFor(t.app, sim, identity), String(workItemId)));
    expect(error).toEqual({ code: "identity_missing_expiry", message: "VstsApiClient requires identity with specified expired time" });
    expect(sim.server.requests).toHaveLength(0);
  });

  it("after a 401 on a token that should be valid, refreshes once (forced) and retries once", async () => {
    const identity = await seedIdentity(t.app, sim, { expiresAt: Math.floor(Date.now() / 1000) + 3600 });
    // The simulator's clock runs ahead: the access token it issued has expired there, not here.
    sim.server.clock.advance(2 * 3600 * 1000);
    try {
      const item = await getWorkItem(clientFor(t.app, sim, identity), String(workItemId));
      expect(item.id).toBe(workItemId);
      expect(tokenRequests(sim)).toHaveLength(1);
      expect(restRequests(sim)).toHaveLength(2);
    } finally {
      sim.server.clock.advance(-2 * 3600 * 1000);
    }
  });

  it("never retries more than once: a second 401 is identity_not_valid with Azure's message", async () => {
    sim.control.addUser("grace@example.com", "Grace Hopper");
    const identity = await seedIdentity(t.app, sim, { email: "grace@example.com", expiresAt: Math.floor(Date.now() / 1000) + 3600 });
    // Grace is not a member of fabrikam: every call is TF400813, whatever the token.
    const error = await failure(getWorkItem(clientFor(t.app, sim, identity), String(workItemId)));
    expect(error.code).toBe("identity_not_valid");
    expect(error.message).toMatch(/^HTTP 401 \(UnauthorizedRequestException\): TF400813: /);
    expect(tokenRequests(sim)).toHaveLength(1);
    expect(restRequests(sim)).toHaveLength(2);
  });

  it("maps other failures to azure_api_error with `HTTP <status> (<error>): <description>`", async () => {
    const identity = await seedIdentity(t.app, sim, { expiresAt: Math.floor(Date.now() / 1000) + 3600 });
    const error = await failure(getWorkItem(clientFor(t.app, sim, identity), "999999"));
    expect(error.code).toBe("azure_api_error");
    expect(error.message).toMatch(/^HTTP 404 \([A-Za-z]+\): .*999999/);
  });

  it("sends the four standard headers of §1.2 on every call", async () => {
    const identity = await seedIdentity(t.app, sim, { expiresAt: Math.floor(Date.now() / 1000) + 3600 });
    await getWorkItem(clientFor(t.app, sim, identity), String(workItemId));
    const [call] = restRequests(sim);
    expect(call!.headers).toMatchObject({
      accept: "application/json; api-version=4.1",
      "content-type": "application/json",
      "x-http-method-override": "GET",
      "x-tfs-fedauthredirect": "Suppress",
      authorization: `Bearer ${identity.accessToken}`,
    });
  });

  it("reads the profile from the VSSPS host", async () => {
    const identity = await seedIdentity(t.app, sim, { expiresAt: Math.floor(Date.now() / 1000) + 3600 });
    const profile = await getProfile(clientFor(t.app, sim, identity), t.app.config.azureDevops.vsspsUrl);
    expect(profile.emailAddress).toBe("ada@example.com");
  });

  it("writes no token or client secret into the logs", async () => {
    const secrets = [sim.credentials.AZURE_DEVOPS_CLIENT_SECRET, sim.credentials.AZURE_DEVOPS_LIMITED_CLIENT_SECRET, sim.credentials.AZURE_DEVOPS_ENTRA_CLIENT_SECRET] as string[];
    const rows = await t.app.store.db.selectFrom("identities").select("credential").where("provider", "=", "vsts").execute();
    for (const row of rows) {
      const secret = t.app.vault.openJson<{ accessToken: string; refreshToken: string }>(row.credential);
      secrets.push(secret.accessToken, secret.refreshToken);
    }
    const logs = t.logs.join("\n");
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });
});
