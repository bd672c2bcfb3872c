import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JiraServerControl } from "../../simulators/jira-server/control.js";
import { startJiraServerSimulator } from "../../simulators/jira-server/index.js";
import type { StartedSimulator } from "../../simulators/shared/types.js";
import { apiClient, organizationWithToken } from "../helpers/api-client.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { storeMode } from "../helpers/test-store.js";

function hiddenState(html: string): string {
  return /name="state" value="([^"]+)"/.exec(html)?.[1] as string;
}

describe(`Jira Server install flow over the simulator (${storeMode})`, () => {
  let sim: StartedSimulator<JiraServerControl>;
  let t: TestApp;
  let org: { id: number; slug: string; token: string };

  const credentials = () => ({
    base_url: sim.credentials.JIRA_SERVER_URL as string,
    consumer_key: sim.credentials.JIRA_SERVER_CONSUMER_KEY as string,
    private_key: sim.credentials.JIRA_SERVER_PRIVATE_KEY as string,
  });
  const openForm = async () => {
    const started = await apiClient(t.url, org.token)("POST", `/api/0/organizations/${org.slug}/integrations/jira_server/install/`, {});
    expect(started.status).toBe(201);
    const page = await fetch(started.body.url as string, { redirect: "manual" });
    expect(page.status).toBe(200);
    return hiddenState(await page.text());
  };
  const submit = (state: string, values: Record<string, string>) =>
    fetch(`${t.url}/extensions/jira-server/setup/`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ state, ...values }).toString(), redirect: "manual" });
  /** The browser at Jira: the authorize page approves and redirects to our callback with the verifier. */
  const authorizeAtJira = async (location: string) => {
    const res = await fetch(location, { redirect: "manual" });
    expect(res.status).toBe(302);
    return new URL(res.headers.get("location") as string);
  };

  beforeAll(async () => {
    sim = await startJiraServerSimulator();
    t = await startTestApp({ workers: true });
    org = await organizationWithToken(t.app, "acme");
  });

  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  it("runs setup form -> request token -> Jira authorize -> callback -> access token, and registers the webhook with the JWT-token URL (§9.1, §9.2)", async () => {
    const submitted = await submit(await openForm(), credentials());
    expect(submitted.status).toBe(302);
    const authorize = submitted.headers.get("location") as string;
    expect(authorize.startsWith(`${sim.url}/plugins/servlet/oauth/authorize?oauth_token=`)).toBe(true);
    const callback = await authorizeAtJira(authorize);
    expect(callback.origin + callback.pathname).toBe(`${t.url}/extensions/jira-server/setup/callback/`);
    expect(callback.searchParams.get("oauth_verifier")).toBeTruthy();
    const done = await fetch(callback, { redirect: "manual" });
    expect(done.status).toBe(200);

    const externalId = `${new URL(sim.url).host}:${credentials().consumer_key}`;
    const integration = await t.app.store.db.selectFrom("integrations").selectAll().where("provider", "=", "jira_server").where("external_id", "=", externalId).executeTakeFirstOrThrow();
    const metadata = JSON.parse(integration.metadata) as { base_url: string; webhook_secret: string; webhook: { id: string } };
    expect(metadata.base_url).toBe(sim.url);
    expect(metadata.webhook_secret.startsWith("sealed:")).toBe(true);
    const hooks = sim.control.webhooks();
    expect(hooks).toHaveLength(1);
    expect(hooks[0]?.url).toMatch(new RegExp(`^${t.url}/extensions/jira-server/issue-updated/[\\w-]+\\.[\\w-]+\\.[\\w-]+/$`));
    expect(hooks[0]?.self).toBe(`${sim.url}/rest/webhooks/1.0/webhook/${metadata.webhook.id}`);
    const identity = await t.app.store.db.selectFrom("identities").selectAll().where("provider", "=", "jira_server").where("external_id", "=", externalId).executeTakeFirstOrThrow();
    expect(identity.credential.startsWith("sealed:")).toBe(true);
    expect(identity.credential).not.toContain("PRIVATE KEY");
    const installation = await t.app.store.db.selectFrom("organization_integrations").selectAll().where("integration_id", "=", integration.id).executeTakeFirstOrThrow();
    expect(installation).toMatchObject({ organization_id: org.id, status: "active", default_auth_id: identity.id });
    expect(t.logs.join("")).not.toContain("PRIVATE KEY");

    // A change at Jira is delivered to the registered URL, verified by its path token and recorded.
    const issue = await sim.control.createIssue({ project: "SWB", summary: "Crash" });
    await sim.control.assign(issue.key, "jdoe");
    await sim.control.deliveriesSettled();
    const recorded = await t.app.store.db.selectFrom("webhook_deliveries").select("id").where("provider", "=", "jira_server").execute();
    expect(recorded.length).toBeGreaterThan(0);
    expect(await t.app.store.db.selectFrom("webhook_rejections").select("id").where("provider", "=", "jira_server").execute()).toEqual([]);
  });

  it("refuses a forbidden base URL on the form with a clear 400 and keeps the state usable", async () => {
    const state = await openForm();
    const res = await submit(state, { ...credentials(), base_url: "http://169.254.169.254/jira" });
    expect(res.status).toBe(400);
    expect(res.headers.get("x-error-code")).toBe("jira_server_setup_invalid");
    expect(await res.text()).toContain("metadata address");
    const bad = await submit(state, { ...credentials(), private_key: "not a key" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("not a PEM-encoded RSA private key");
    expect((await submit(state, credentials())).status).toBe(302);
  });

  it('answers an empty verifier with "Missing OAuth token verifier"', async () => {
    const submitted = await submit(await openForm(), credentials());
    const callback = await authorizeAtJira(submitted.headers.get("location") as string);
    callback.searchParams.set("oauth_verifier", "");
    const res = await fetch(callback, { redirect: "manual" });
    expect(res.status).toBe(400);
    expect(res.headers.get("x-error-code")).toBe("jira_server_oauth_verifier_missing");
    expect(await res.text()).toContain("Missing OAuth token verifier");
  });

  it("refuses a forged state at the form and a replayed callback", async () => {
    const forged = await submit("eyJvIjoxfQ.QUFBQQ", credentials());
    expect(forged.status).toBe(400);
    expect(forged.headers.get("x-error-code")).toBe("install_state_invalid");
    const submitted = await submit(await openForm(), credentials());
    const callback = await authorizeAtJira(submitted.headers.get("location") as string);
    expect((await fetch(callback, { redirect: "manual" })).status).toBe(200);
    const replay = await fetch(callback, { redirect: "manual" });
    expect(replay.status).toBe(400);
    expect(replay.headers.get("x-error-code")).toBe("install_state_used");
  });
});
