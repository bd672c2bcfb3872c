import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureDevopsSimulator, type AzureDevopsControl } from "../../simulators/azure-devops/index.js";
import type { StartedSimulator } from "../../simulators/shared/types.js";
import { checkAzureSubscriptions } from "../../src/jobs/azure-subscription-watch.js";
import { azureClientFor, loadAzureIntegration } from "../../src/providers/azure-devops/integration-client.js";
import { unsubscribe } from "../../src/providers/azure-devops/install.js";
import { apiClient, organizationWithToken } from "../helpers/api-client.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { storeMode } from "../helpers/test-store.js";
import { azureEnv } from "../providers/azure-devops/azure-harness.js";

const ORG = "fabrikam";

/** The browser's part: follow redirects by hand; the registered callback's origin stands for this test's server. */
async function follow(t: TestApp, registeredCallback: string, url: string): Promise<Response> {
  let next = url;
  for (let hop = 0; hop < 5; hop++) {
    const res = await fetch(next, { redirect: "manual" });
    if (res.status !== 302) return res;
    const location = new URL(res.headers.get("location") as string, next);
    next = location.toString().startsWith(registeredCallback) ? `${t.url}${location.pathname}${location.search}` : location.toString();
  }
  throw new Error("too many redirects");
}

function hiddenState(html: string): string {
  return /name="state" value="([^"]+)"/.exec(html)?.[1] as string;
}

function accountValues(html: string): string[] {
  return [...html.matchAll(/name="account" value="([^"]+)"/g)].map((m) => m[1] as string);
}

describe(`Azure DevOps install flow over the simulator (${storeMode})`, () => {
  let sim: StartedSimulator<AzureDevopsControl>;
  let t: TestApp;
  let org: { id: number; slug: string; token: string };
  let callbackUrl: string;

  const startFlow = async (flow?: "entra") => {
    const res = await apiClient(t.url, org.token)("POST", `/api/0/organizations/${org.slug}/integrations/vsts/install/`, flow ? { flow } : {});
    expect(res.status).toBe(201);
    return res.body.url as string;
  };
  const chooseAccount = (state: string, account: string) =>
    fetch(`${t.url}/extensions/vsts/setup/account/`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ state, account }).toString(), redirect: "manual" });
  const integrationRow = () => t.app.store.db.selectFrom("integrations").selectAll().where("provider", "=", "vsts").executeTakeFirst();

  beforeAll(async () => {
    sim = await startAzureDevopsSimulator();
    t = await startTestApp({ workers: true, env: azureEnv(sim) });
    callbackUrl = (sim.credentials as Record<string, string>).AZURE_DEVOPS_REDIRECT_URL as string;
    org = await organizationWithToken(t.app, "acme");
  });

  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  it("authorizes (legacy), exchanges the code, lists the accounts, and on the choice subscribes workitem.updated with a sealed shared secret", async () => {
    const page = await follow(t, callbackUrl, await startFlow());
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(ORG);
    const tokenCalls = sim.server.requests.filter((r) => r.method === "POST" && r.path === "/oauth2/token");
    expect(tokenCalls).toHaveLength(1);
    expect(String(tokenCalls[0]?.body)).toContain("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer");

    const done = await chooseAccount(hiddenState(html), accountValues(html)[0] as string);
    expect(done.status).toBe(200);
    expect(await done.text()).toContain("connected");

    const [subscription] = sim.control.subscriptions(ORG);
    expect(subscription?.consumerInputs.url).toBe(`${t.url}/extensions/vsts/issue-updated/`);
    const secret = /^shared-secret:([0-9a-f]{64})$/.exec(subscription?.consumerInputs.httpHeaders ?? "")?.[1];
    const row = await integrationRow();
    const metadata = JSON.parse(row?.metadata as string) as { subscription: { id: string; secret: string }; domain_name: string };
    expect(metadata.subscription.id).toBe(subscription?.id);
    expect(metadata.subscription.secret.startsWith("sealed:")).toBe(true);
    expect(t.app.vault.open(metadata.subscription.secret)).toBe(secret);
    expect(metadata.domain_name).toBe(`${sim.url}/${ORG}/`);
    const installation = await t.app.store.db.selectFrom("organization_integrations").selectAll().where("integration_id", "=", row?.id as number).executeTakeFirstOrThrow();
    expect(installation.organization_id).toBe(org.id);
    expect(installation.status).toBe("active");
    const identity = await t.app.store.db.selectFrom("identities").selectAll().where("id", "=", installation.default_auth_id as number).executeTakeFirstOrThrow();
    expect(identity.credential.startsWith("sealed:")).toBe(true);
    expect(JSON.parse(identity.scopes)).toContain("vso.code");
    expect(t.logs.join("")).not.toContain(secret as string);
  });

  it("verifies a delivery with the subscription's secret once installed (the webhook route reads the sealed secret)", async () => {
    const workItem = await sim.control.createWorkItem({ org: ORG, project: "Fabrikam-Fiber", title: "Crash" });
    await sim.control.setState(workItem, "Active", { org: ORG });
    const deadline = Date.now() + 5000;
    let rows: unknown[] = [];
    while (Date.now() < deadline && rows.length === 0) {
      rows = await t.app.store.db.selectFrom("webhook_deliveries").select("id").where("provider", "=", "vsts").execute();
      if (rows.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(rows.length).toBeGreaterThan(0);
    expect(await t.app.store.db.selectFrom("webhook_rejections").select("id").where("provider", "=", "vsts").execute()).toEqual([]);
  });

  it("refuses a forged state at the callback and a replayed account choice", async () => {
    const forged = await fetch(`${t.url}/extensions/vsts/setup/?code=abc&state=${encodeURIComponent("eyJvIjoxfQ.AAAA")}`, { redirect: "manual" });
    expect(forged.status).toBe(400);
    expect(forged.headers.get("x-error-code")).toBe("install_state_invalid");
    const page = await follow(t, callbackUrl, await startFlow());
    const html = await page.text();
    expect((await chooseAccount(hiddenState(html), accountValues(html)[0] as string)).status).toBe(200);
    const replay = await chooseAccount(hiddenState(html), accountValues(html)[0] as string);
    expect(replay.status).toBe(400);
    expect(replay.headers.get("x-error-code")).toBe("install_state_used");
  });

  it("refuses an account that was not offered", async () => {
    const html = await (await follow(t, callbackUrl, await startFlow())).text();
    const res = await chooseAccount(hiddenState(html), "00000000-0000-0000-0000-000000000000");
    expect(res.status).toBe(400);
    expect(res.headers.get("x-error-code")).toBe("azure_account_invalid");
  });

  it("shows a clear page when the person denies consent", async () => {
    sim.control.setConsent("deny");
    try {
      const res = await follow(t, callbackUrl, await startFlow());
      expect(res.status).toBe(400);
      expect(res.headers.get("x-error-code")).toBe("azure_authorization_refused");
      expect(await res.text()).toContain("not granted");
    } finally {
      sim.control.setConsent("approve");
    }
  });

  it("installs through Entra ID (authorization_code grant) and marks the integration for Entra refreshes", async () => {
    const html = await (await follow(t, callbackUrl, await startFlow("entra"))).text();
    expect(sim.server.requests.some((r) => r.method === "POST" && r.path.endsWith("/oauth2/v2.0/token"))).toBe(true);
    expect((await chooseAccount(hiddenState(html), accountValues(html)[0] as string)).status).toBe(200);
    const metadata = JSON.parse((await integrationRow())?.metadata as string) as { integration_migration_version: number };
    expect(metadata.integration_migration_version).toBe(1);
  });

  it("re-creates a subscription that disappeared, with a new sealed secret (periodic check)", async () => {
    const row = await integrationRow();
    const integration = await loadAzureIntegration(t.app, row?.id as number);
    const before = (integration.metadata.subscription as { id: string }).id;
    expect((await checkAzureSubscriptions(t.app)).find((c) => c.integrationId === row?.id)).toMatchObject({ recreated: false });
    await unsubscribe(azureClientFor(t.app, integration), before);
    expect(sim.control.subscriptions(ORG).some((s) => s.id === before)).toBe(false);
    const checks = await checkAzureSubscriptions(t.app);
    expect(checks.find((c) => c.integrationId === row?.id)).toMatchObject({ state: "missing", recreated: true });
    const after = JSON.parse((await integrationRow())?.metadata as string) as { subscription: { id: string; secret: string } };
    expect(after.subscription.id).not.toBe(before);
    const recreated = sim.control.subscriptions(ORG).find((s) => s.id === after.subscription.id);
    expect(recreated?.consumerInputs.httpHeaders).toBe(`shared-secret:${t.app.vault.open(after.subscription.secret)}`);
  });
});
