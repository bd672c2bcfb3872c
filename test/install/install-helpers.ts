import { expect } from "vitest";
import type { AzureDevopsControl } from "../../simulators/azure-devops/index.js";
import type { JiraServerControl } from "../../simulators/jira-server/control.js";
import type { StartedSimulator } from "../../simulators/shared/types.js";
import { apiClient } from "../helpers/api-client.js";
import type { TestApp } from "../helpers/test-app.js";

type Org = { id: number; slug: string; token: string };

const hiddenState = (html: string) => /name="state" value="([^"]+)"/.exec(html)?.[1] as string;

/** Starts an install flow through the API and answers the first page's URL. */
export async function startInstall(t: TestApp, org: Org, provider: string, body: Record<string, unknown> = {}): Promise<string> {
  const res = await apiClient(t.url, org.token)("POST", `/api/0/organizations/${org.slug}/integrations/${provider}/install/`, body);
  expect(res.status).toBe(201);
  return res.body.url as string;
}

/** The browser's part of the Azure DevOps flow (redirects followed by hand; the registered callback's origin stands for the test server). Answers the integration id. */
export async function installAzureThroughBrowser(t: TestApp, sim: StartedSimulator<AzureDevopsControl>, org: Org): Promise<number> {
  const registered = (sim.credentials as Record<string, string>).AZURE_DEVOPS_REDIRECT_URL as string;
  let next = await startInstall(t, org, "vsts");
  let res: Response | undefined;
  for (let hop = 0; hop < 5; hop++) {
    res = await fetch(next, { redirect: "manual" });
    if (res.status !== 302) break;
    const location = new URL(res.headers.get("location") as string, next).toString();
    next = location.startsWith(registered) ? `${t.url}${new URL(location).pathname}${new URL(location).search}` : location;
  }
  expect(res?.status).toBe(200);
  const html = await (res as Response).text();
  const account = /name="account" value="([^"]+)"/.exec(html)?.[1] as string;
  const done = await fetch(`${t.url}/extensions/vsts/setup/account/`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ state: hiddenState(html), account }).toString() });
  expect(done.status).toBe(200);
  const row = await t.app.store.db.selectFrom("integrations").select("id").where("provider", "=", "vsts").orderBy("date_updated", "desc").executeTakeFirstOrThrow();
  return row.id;
}

/** The browser's part of the Jira Server flow: form, Jira's authorize page, callback. Answers the integration id. */
export async function installJiraThroughBrowser(t: TestApp, sim: StartedSimulator<JiraServerControl>, org: Org): Promise<number> {
  const form = await fetch(await startInstall(t, org, "jira_server"));
  const values = { state: hiddenState(await form.text()), base_url: sim.credentials.JIRA_SERVER_URL as string, consumer_key: sim.credentials.JIRA_SERVER_CONSUMER_KEY as string, private_key: sim.credentials.JIRA_SERVER_PRIVATE_KEY as string };
  const submitted = await fetch(`${t.url}/extensions/jira-server/setup/`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(values).toString(), redirect: "manual" });
  const approved = await fetch(submitted.headers.get("location") as string, { redirect: "manual" });
  const done = await fetch(approved.headers.get("location") as string, { redirect: "manual" });
  expect(done.status).toBe(200);
  const row = await t.app.store.db.selectFrom("integrations").select("id").where("provider", "=", "jira_server").orderBy("date_updated", "desc").executeTakeFirstOrThrow();
  return row.id;
}
