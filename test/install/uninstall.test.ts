import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureDevopsSimulator, type AzureDevopsControl } from "../../simulators/azure-devops/index.js";
import type { GithubControl } from "../../simulators/github/control.js";
import { startGithubSimulator } from "../../simulators/github/index.js";
import type { JiraServerControl } from "../../simulators/jira-server/control.js";
import { startJiraServerSimulator } from "../../simulators/jira-server/index.js";
import type { StartedSimulator } from "../../simulators/shared/types.js";
import { apiClient, organizationWithToken } from "../helpers/api-client.js";
import { createIntegration } from "../helpers/fixtures.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { storeMode } from "../helpers/test-store.js";
import { azureEnv } from "../providers/azure-devops/azure-harness.js";
import { installAzureThroughBrowser, installJiraThroughBrowser, startInstall } from "./install-helpers.js";

describe(`Uninstall removes what the install registered at the provider (${storeMode})`, () => {
  let azure: StartedSimulator<AzureDevopsControl>;
  let jira: StartedSimulator<JiraServerControl>;
  let github: StartedSimulator<GithubControl>;
  let t: TestApp;
  let org: { id: number; slug: string; token: string };

  const uninstall = (id: number) => apiClient(t.url, org.token)("DELETE", `/api/0/organizations/${org.slug}/integrations/${id}/`);
  const statuses = async (id: number) => ({
    integration: (await t.app.store.db.selectFrom("integrations").select("status").where("id", "=", id).executeTakeFirstOrThrow()).status,
    installation: (await t.app.store.db.selectFrom("organization_integrations").select("status").where("integration_id", "=", id).where("organization_id", "=", org.id).executeTakeFirstOrThrow()).status,
  });

  beforeAll(async () => {
    azure = await startAzureDevopsSimulator();
    jira = await startJiraServerSimulator();
    github = await startGithubSimulator();
    t = await startTestApp({ env: { ...azureEnv(azure), GITHUB_APP_ID: github.credentials.GITHUB_APP_ID as string, GITHUB_APP_PRIVATE_KEY: github.credentials.GITHUB_APP_PRIVATE_KEY as string, GITHUB_API_URL: github.url } });
    org = await organizationWithToken(t.app, "acme");
  });

  afterAll(async () => {
    await t?.close();
    await azure?.stop();
    await jira?.stop();
    await github?.stop();
  });

  it("Azure DevOps: deletes the service-hook subscription at Azure and disables the installation, keeping the rows", async () => {
    const id = await installAzureThroughBrowser(t, azure, org);
    expect(azure.control.subscriptions("fabrikam")).toHaveLength(1);
    const res = await uninstall(id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ integrationDisabled: true, removedAtProvider: expect.stringContaining("azure subscription") });
    expect(azure.control.subscriptions("fabrikam")).toEqual([]);
    expect(await statuses(id)).toEqual({ integration: "disabled", installation: "disabled" });
    const metadata = JSON.parse((await t.app.store.db.selectFrom("integrations").select("metadata").where("id", "=", id).executeTakeFirstOrThrow()).metadata) as { subscription: { id: null } };
    expect(metadata.subscription.id).toBeNull();
    const again = await uninstall(id);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("integration_not_installed");
  });

  it("Jira Server: deletes the registered webhook at Jira", async () => {
    const id = await installJiraThroughBrowser(t, jira, org);
    expect(jira.control.webhooks()).toHaveLength(1);
    expect((await uninstall(id)).status).toBe(200);
    expect(jira.control.webhooks()).toEqual([]);
    expect(await statuses(id)).toEqual({ integration: "disabled", installation: "disabled" });
  });

  it("GitHub: removes the app installation at GitHub when no other organization uses it", async () => {
    const installationId = await github.control.createInstallation("acme-gh", { notify: false });
    const url = await startInstall(t, org, "github");
    const state = new URL(url).searchParams.get("state") as string;
    expect((await fetch(`${t.url}/extensions/github/setup/?installation_id=${installationId}&setup_action=install&state=${encodeURIComponent(state)}`)).status).toBe(200);
    const row = await t.app.store.db.selectFrom("integrations").select("id").where("provider", "=", "github").where("external_id", "=", String(installationId)).executeTakeFirstOrThrow();
    expect((await uninstall(row.id)).status).toBe(200);
    expect(github.server.requests.some((r) => r.method === "DELETE" && r.path === `/app/installations/${installationId}`)).toBe(true);
    expect(await statuses(row.id)).toEqual({ integration: "disabled", installation: "disabled" });
  });

  it("keeps the provider side while another organization still uses the integration", async () => {
    const other = await organizationWithToken(t.app, "globex");
    const { id } = await createIntegration(t.app.store.db, org.id, { provider: "bitbucket", externalId: "connection:77" });
    await t.app.store.db.insertInto("organization_integrations").values({ organization_id: other.id, integration_id: id, status: "active", config: "{}", default_auth_id: null, date_added: new Date().toISOString() }).execute();
    const res = await uninstall(id);
    expect(res.body).toEqual({ removedAtProvider: null, integrationDisabled: false });
    expect(await statuses(id)).toEqual({ integration: "active", installation: "disabled" });
  });

  it("answers 404 for an integration of another organization", async () => {
    const other = await organizationWithToken(t.app, "initech");
    const { id } = await createIntegration(t.app.store.db, other.id, { provider: "bitbucket", externalId: "connection:88" });
    expect((await uninstall(id)).status).toBe(404);
  });
});
