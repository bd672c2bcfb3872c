import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureDevopsSimulator, type AzureDevopsControl } from "../../simulators/azure-devops/index.js";
import type { GithubControl } from "../../simulators/github/control.js";
import { startGithubSimulator } from "../../simulators/github/index.js";
import type { StartedSimulator } from "../../simulators/shared/types.js";
import { apiClient, organizationWithToken } from "../helpers/api-client.js";
import { createIntegration } from "../helpers/fixtures.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { storeMode } from "../helpers/test-store.js";
import { azureEnv } from "../providers/azure-devops/azure-harness.js";
import { installAzureThroughBrowser, startInstall } from "../install/install-helpers.js";

async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  let value = await probe();
  while (!ok(value) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
    value = await probe();
  }
  return value;
}

describe(`Integration health API (${storeMode})`, () => {
  let azure: StartedSimulator<AzureDevopsControl>;
  let github: StartedSimulator<GithubControl>;
  let t: TestApp;
  let org: { id: number; slug: string; token: string };
  let azureId: number;
  let githubId: number;
  let api: ReturnType<typeof apiClient>;

  const health = async (id: number) => {
    const res = await api("GET", `/api/0/organizations/${org.slug}/integrations/${id}/`);
    expect(res.status).toBe(200);
    return res.body;
  };
  const check = async (id: number) => {
    const res = await api("POST", `/api/0/organizations/${org.slug}/integrations/${id}/authorize-check/`);
    expect(res.status).toBe(200);
    return res.body;
  };
  const expireCredential = async () => {
    const row = await t.app.store.db.selectFrom("organization_integrations").select("default_auth_id").where("integration_id", "=", azureId).executeTakeFirstOrThrow();
    await t.app.store.db.updateTable("identities").set({ expires_at: Math.floor(Date.now() / 1000) - 10 }).where("id", "=", row.default_auth_id as number).execute();
  };

  beforeAll(async () => {
    azure = await startAzureDevopsSimulator();
    github = await startGithubSimulator();
    t = await startTestApp({ workers: true, env: { ...azureEnv(azure), GITHUB_APP_ID: github.credentials.GITHUB_APP_ID as string, GITHUB_APP_PRIVATE_KEY: github.credentials.GITHUB_APP_PRIVATE_KEY as string, GITHUB_API_URL: github.url } });
    org = await organizationWithToken(t.app, "acme");
    api = apiClient(t.url, org.token);
    azureId = await installAzureThroughBrowser(t, azure, org);
    const installationId = await github.control.createInstallation("acme-gh", { notify: false });
    const state = new URL(await startInstall(t, org, "github")).searchParams.get("state") as string;
    expect((await fetch(`${t.url}/extensions/github/setup/?installation_id=${installationId}&setup_action=install&state=${encodeURIComponent(state)}`)).status).toBe(200);
    githubId = (await t.app.store.db.selectFrom("integrations").select("id").where("provider", "=", "github").executeTakeFirstOrThrow()).id;
    await createIntegration(t.app.store.db, org.id, { provider: "opsgenie", externalId: "opsgenie-acme", metadata: { region: "us", api_key: t.app.vault.seal("og-key-123456") } });
  });

  afterAll(async () => {
    await t?.close();
    await azure?.stop();
    await github?.stop();
  });

  it("lists every installed integration with provider, account, status, credential, subscription and sync settings", async () => {
    const res = await api("GET", `/api/0/organizations/${org.slug}/integrations/`);
    expect(res.status).toBe(200);
    expect(res.body.map((i: { provider: string }) => i.provider)).toEqual(["vsts", "github", "opsgenie"]);
    const [vsts, gh, opsgenie] = res.body;
    expect(vsts).toMatchObject({
      id: String(azureId),
      account: "fabrikam",
      status: "active",
      credential: { state: "valid", needsReauth: false, lastError: null },
      subscription: { kind: "azure_service_hook", state: "registered" },
      syncSettings: { sync_forward_assignment: true, sync_reverse_assignment: true, sync_status_forward: false, sync_status_reverse: false },
      authFailures: [],
      webhook: { lastReceivedAt: null, lastRejection: null },
    });
    expect(Date.parse(vsts.credential.validUntil)).toBeGreaterThan(Date.now());
    expect(gh).toMatchObject({ provider: "github", account: "acme-gh", subscription: { kind: "github_app" } });
    expect(opsgenie).toMatchObject({ provider: "opsgenie", credential: { state: "static" } });
    expect(JSON.stringify(res.body)).not.toMatch(/sealed:|og-key-123456|accessToken|refreshToken/i);
  });

  it("shows the last verified delivery and the last refused one", async () => {
    const workItem = await azure.control.createWorkItem({ org: "fabrikam", project: "Fabrikam-Fiber", title: "Crash" });
    await azure.control.setState(workItem, "Active", { org: "fabrikam" });
    const seen = await eventually(() => health(azureId), (h) => h.webhook.lastReceivedAt !== null);
    expect(seen.webhook).toMatchObject({ lastEvent: "workitem.updated", lastVerifiedBy: "current" });
    const collection = (await t.app.store.db.selectFrom("integrations").select("external_id").where("id", "=", azureId).executeTakeFirstOrThrow()).external_id;
    const refused = await fetch(`${t.url}/extensions/vsts/issue-updated/`, {
      method: "POST",
      headers: { "content-type": "application/json", "shared-secret": "wrong" },
      body: JSON.stringify({ eventType: "workitem.updated", resourceContainers: { collection: { id: collection } } }),
    });
    expect(refused.status).toBe(401);
    const after = await eventually(() => health(azureId), (h) => h.webhook.lastRejection !== null);
    expect(after.webhook.lastRejection).toMatchObject({ reason: "webhook_secret_mismatch", secretTried: "subscription" });
  });

  it("updates sync settings with PUT and refuses unknown keys and wrong types with field errors, changing nothing", async () => {
    const res = await api("PUT", `/api/0/organizations/${org.slug}/integrations/${azureId}/`, { syncSettings: { sync_status_forward: true, status_mapping: { "Fabrikam-Fiber": { on_resolve: "Resolved", on_unresolve: "Active" } } } });
    expect(res.status).toBe(200);
    expect(res.body.syncSettings).toMatchObject({ sync_status_forward: true, sync_forward_assignment: true, status_mapping: { "Fabrikam-Fiber": { on_resolve: "Resolved", on_unresolve: "Active" } } });
    const typo = await api("PUT", `/api/0/organizations/${org.slug}/integrations/${azureId}/`, { syncSettings: { sync_status_forwrd: true } });
    expect(typo.status).toBe(400);
    const wrongType = await api("PUT", `/api/0/organizations/${org.slug}/integrations/${azureId}/`, { syncSettings: { sync_status_reverse: "yes" } });
    expect(wrongType.status).toBe(400);
    expect(Object.keys(wrongType.body)).toContain("syncSettings.sync_status_reverse");
    expect((await health(azureId)).syncSettings.sync_status_reverse).toBe(false);
  });

  it("authorize-check exercises the credential with a read-only call and reports success", async () => {
    const before = azure.server.requests.filter((r) => r.method !== "GET").length;
    expect(await check(azureId)).toMatchObject({ ok: true, provider: "vsts", call: "GET _apis/profile/profiles/me", class: null });
    expect(azure.server.requests.filter((r) => r.method !== "GET").length).toBe(before);
  });

  it("classifies GitHub's refusal of the JWT's time claims as clock skew, recovered by re-signing (D4)", async () => {
    github.server.clock.advance(-20 * 60_000);
    try {
      expect(await check(githubId)).toMatchObject({ ok: true, call: expect.stringContaining("/app/installations/") });
    } finally {
      github.server.clock.reset();
    }
    const h = await eventually(() => health(githubId), (v) => v.authFailures.length > 0);
    expect(h.authFailures).toEqual([expect.objectContaining({ class: "clock_skew", count: 1, advice: expect.stringContaining("clock") })]);
  });

  it("classifies a revoked authorization and marks needs_reauth", async () => {
    azure.control.revokeUserAuthorizations("ada@example.com");
    await expireCredential();
    const result = await check(azureId);
    expect(result).toMatchObject({ ok: false, class: "revoked", advice: expect.stringContaining("re-authorize") });
    const h = await eventually(() => health(azureId), (v) => v.authFailures.length > 0);
    expect(h.credential).toMatchObject({ state: "needs_reauth", needsReauth: true, lastError: expect.stringContaining("invalid_grant") });
    expect(h.authFailures).toEqual([expect.objectContaining({ class: "revoked", count: 1 })]);
  });

  it("is healthy again after the person re-authorizes through the install flow", async () => {
    expect(await installAzureThroughBrowser(t, azure, org)).toBe(azureId);
    const h = await health(azureId);
    expect(h.credential).toMatchObject({ state: "valid", needsReauth: false, lastError: null });
  });

  it("classifies a refused client secret as a configuration error, not a revocation (the credential is not marked needs_reauth)", async () => {
    azure.control.regenerateClientSecret("full");
    await expireCredential();
    const result = await check(azureId);
    expect(result).toMatchObject({ ok: false, class: "configuration_error" });
    const h = await eventually(() => health(azureId), (v) => v.authFailures.length > 1);
    expect(h.credential).toMatchObject({ state: "expired", needsReauth: false });
    // Each class is counted apart: the earlier revocation stays beside the configuration error.
    expect(h.authFailures).toEqual([expect.objectContaining({ class: "configuration_error", count: 1 }), expect.objectContaining({ class: "revoked", count: 1 })]);
  });

  it("answers 404 for an integration of another organization and 401 without a token", async () => {
    const other = await organizationWithToken(t.app, "globex");
    expect((await apiClient(t.url, other.token)("GET", `/api/0/organizations/${other.slug}/integrations/${azureId}/`)).status).toBe(404);
    expect((await apiClient(t.url, null)("GET", `/api/0/organizations/${org.slug}/integrations/`)).status).toBe(401);
  });
});
