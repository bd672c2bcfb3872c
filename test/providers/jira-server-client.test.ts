import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JiraServerControl } from "../../simulators/jira-server/control.js";
import { startJiraServerSimulator } from "../../simulators/jira-server/index.js";
import type { StartedSimulator } from "../../simulators/shared/types.js";
import { JiraServerClient } from "../../src/providers/jira-server/client.js";
import { jiraServerIssueSync } from "../../src/providers/jira-server/issue-sync.js";
import { assignIssue, createIssue, getIssue, listStatuses, searchIssues } from "../../src/providers/jira-server/issues.js";
import { authorizeUrl, getAccessToken, getRequestToken } from "../../src/providers/jira-server/oauth-dance.js";
import { issueUpdatedUrl, registerIssueWebhook } from "../../src/providers/jira-server/register-webhook.js";
import { jiraServerTickets } from "../../src/providers/jira-server/tickets.js";
import { findUserByEmail, getUserByName } from "../../src/providers/jira-server/users.js";
import { readCredential } from "../../src/store/identities.js";
import { createJiraServerIntegration } from "../helpers/jira-server-fixture.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { storeMode } from "../helpers/test-store.js";

/** The oauth_* parameters of a recorded request's `Authorization: OAuth` header. */
function oauthParams(authorization: string | undefined): Record<string, string> {
  const params: Record<string, string> = {};
  for (const m of (authorization ?? "").matchAll(/([a-z_]+)="([^"]*)"/g)) params[m[1] as string] = decodeURIComponent(m[2] as string);
  return params;
}

const ticket = (key: string, config: Record<string, unknown> = {}) => ({ integrationId: 0, organizationId: 0, externalIssueId: 0, key, config });

describe(`Jira Server client over the simulator, OAuth 1.0a RSA-SHA1 (${storeMode})`, () => {
  let sim: StartedSimulator<JiraServerControl>;
  let t: TestApp;
  let integration: Awaited<ReturnType<typeof createJiraServerIntegration>>;
  let client: JiraServerClient;

  const requestsTo = (path: string) => sim.server.requests.filter((r) => r.path === path);
  const failNext = (body: string, status = 401) =>
    fetch(`${sim.url}/_sim/fail`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ count: 1, status, pathPrefix: "/rest/api/2/", body, headers: { "content-type": "application/x-www-form-urlencoded", "www-authenticate": `OAuth realm="x", ${body.split("&").map((p) => p.replace("=", '="') + '"').join(", ")}` } }),
    });

  beforeAll(async () => {
    sim = await startJiraServerSimulator();
    t = await startTestApp();
    integration = await createJiraServerIntegration(t.app, sim);
    client = await JiraServerClient.forIntegration(t.app, integration.id);
  });

  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  it("signs every REST call so Jira accepts it: create, get, assign, search, users, statuses", async () => {
    const created = await createIssue(client, { projectKey: "SWB", summary: "TypeError in checkout", description: "from Switchboard" });
    expect(created.key).toMatch(/^SWB-\d+$/);
    expect((await getIssue(client, created.key)).fields.summary).toBe("TypeError in checkout");
    const jdoe = await findUserByEmail(client, "JDoe@Example.com");
    expect(jdoe.name).toBe("jdoe");
    expect((await getUserByName(client, "paul")).emailAddress).toBe("paul@example.com");
    await assignIssue(client, created.key, jdoe.name);
    expect((sim.control.issue(created.key).fields as { assignee: { name: string } }).assignee.name).toBe("jdoe");
    expect((await searchIssues(client, `key = ${created.key}`, 10)).map((i) => i.key)).toEqual([created.key]);
    expect((await listStatuses(client)).map((s) => s.name)).toEqual(expect.arrayContaining(["To Do", "In Progress", "Done"]));
    const header = requestsTo(`/rest/api/2/issue/${created.key}/assignee`).at(-1)?.headers.authorization;
    expect(oauthParams(header)).toMatchObject({ oauth_signature_method: "RSA-SHA1", oauth_token: integration.credential.accessToken, oauth_version: "1.0" });
  });

  it("follows search pages until the limit", async () => {
    for (let i = 0; i < 3; i++) await sim.control.createIssue({ project: "SWB", summary: `paged search ${i}` });
    const found = await searchIssues(client, 'summary ~ "paged" ORDER BY key ASC', 2);
    expect(found).toHaveLength(2);
    expect((await searchIssues(client, 'summary ~ "paged"', 100)).length).toBe(3);
  });

  it("signs the query string too (a JQL search with spaces, quotes and an equals sign)", async () => {
    await expect(searchIssues(client, 'project = "SWB" AND summary ~ "checkout"', 5)).resolves.not.toHaveLength(0);
  });

  it("re-signs the retry after a 401 with a new nonce: a nonce is never sent twice", async () => {
    const { key } = await sim.control.createIssue({ project: "SWB", summary: "nonce" });
    const before = requestsTo(`/rest/api/2/issue/${key}`).length;
    await failNext("oauth_problem=nonce_used");
    expect((await getIssue(client, key)).key).toBe(key);
    const attempts = requestsTo(`/rest/api/2/issue/${key}`).slice(before).map((r) => oauthParams(r.headers.authorization));
    expect(attempts).toHaveLength(2);
    expect(attempts[0]?.oauth_nonce).toBeTruthy();
    expect(attempts[0]?.oauth_nonce).not.toBe(attempts[1]?.oauth_nonce);
    expect(attempts[0]?.oauth_signature).not.toBe(attempts[1]?.oauth_signature);
    const nonces = sim.server.requests.map((r) => oauthParams(r.headers.authorization).oauth_nonce).filter(Boolean);
    expect(new Set(nonces).size).toBe(nonces.length);
  });

  it("re-signs (never replays) an idempotent request after a 503", async () => {
    const { key } = await sim.control.createIssue({ project: "SWB", summary: "transient" });
    const before = requestsTo(`/rest/api/2/issue/${key}`).length;
    await failNext("unavailable", 503);
    expect((await getIssue(client, key)).key).toBe(key);
    const attempts = requestsTo(`/rest/api/2/issue/${key}`).slice(before).map((r) => oauthParams(r.headers.authorization).oauth_nonce);
    expect(attempts).toHaveLength(2);
    expect(attempts[0]).not.toBe(attempts[1]);
  });

  it("retries once with a corrected timestamp after timestamp_refused (the server's clock is an hour ahead)", async () => {
    const { key } = await sim.control.createIssue({ project: "SWB", summary: "clock" });
    await fetch(`${sim.url}/_sim/clock`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ offsetSeconds: 3600 }) });
    try {
      const before = requestsTo(`/rest/api/2/issue/${key}`).length;
      expect((await getIssue(client, key)).key).toBe(key);
      const attempts = requestsTo(`/rest/api/2/issue/${key}`).slice(before).map((r) => Number(oauthParams(r.headers.authorization).oauth_timestamp));
      expect(attempts).toHaveLength(2);
      expect((attempts[1] as number) - (attempts[0] as number)).toBeGreaterThan(3000);
    } finally {
      await fetch(`${sim.url}/_sim/clock`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ offsetSeconds: 0 }) });
    }
    // Back in step: the learnt skew is corrected again on the next refusal, and the call still succeeds.
    expect((await getIssue(client, key)).key).toBe(key);
  });

  it("moves a ticket to a done status and back through workflow transitions", async () => {
    const sync = jiraServerIssueSync(client);
    const { key } = await sim.control.createIssue({ project: "SWB", summary: "resolve me" });
    await sync.setTicketResolved(ticket(key), true);
    expect((sim.control.issue(key).fields as { status: { name: string } }).status.name).toBe("Done");
    const transitionsBefore = sim.server.requests.filter((r) => r.method === "POST" && r.path.endsWith("/transitions")).length;
    await sync.setTicketResolved(ticket(key), true);
    expect(sim.server.requests.filter((r) => r.method === "POST" && r.path.endsWith("/transitions")).length).toBe(transitionsBefore);
    await sync.setTicketResolved(ticket(key), false);
    expect((sim.control.issue(key).fields as { status: { name: string } }).status.name).toBe("To Do");
    await sync.setTicketResolved(ticket(key, { status_mapping: { SWB: { on_unresolve: "In Progress" } } }), false);
    expect((sim.control.issue(key).fields as { status: { name: string } }).status.name).toBe("In Progress");
  });

  it("assigns by email through the username, and unassigns", async () => {
    const sync = jiraServerIssueSync(client);
    const { key } = await sim.control.createIssue({ project: "SWB", summary: "assign me" });
    await sync.assignTicket(ticket(key), { email: "paul@example.com", name: "Paul", externalNames: [] });
    expect((sim.control.issue(key).fields as { assignee: { name: string } }).assignee.name).toBe("paul");
    await sync.assignTicket(ticket(key), null);
    expect((sim.control.issue(key).fields as { assignee: unknown }).assignee).toBeNull();
    await expect(sync.assignTicket(ticket(key), { email: "nobody@example.com", name: "N", externalNames: [] })).rejects.toMatchObject({ code: "jira_server_user_not_found" });
  });

  it("links, creates and searches tickets", async () => {
    const tickets = jiraServerTickets(client);
    const created = await tickets.createTicket({ title: "Created ticket xylophone", description: "link back" }, { project_key: "SWB" });
    expect(created).toMatchObject({ title: "Created ticket xylophone", status: "To Do", url: `${sim.url}/browse/${created.key}` });
    expect((await tickets.getTicket(created.key)).title).toBe("Created ticket xylophone");
    expect((await tickets.searchTickets("xylophone", {}, 5)).map((x) => x.key)).toEqual([created.key]);
    expect((await tickets.searchTickets(created.key.toLowerCase(), {}, 5)).map((x) => x.key)).toEqual([created.key]);
    await expect(tickets.getTicket("SWB-99999")).rejects.toMatchObject({ code: "jira_server_not_found", kind: "not_found" });
    await expect(tickets.createTicket({ title: "x", description: "y" }, {})).rejects.toMatchObject({ code: "jira_server_project_missing" });
  });

  it("registers the issue webhook whose path token names the integration", async () => {
    const url = await issueUpdatedUrl(t.url, integration.externalId, integration.webhookSecret);
    await registerIssueWebhook(client, url);
    expect(sim.control.webhooks().some((w) => w.url === url)).toBe(true);
  });

  it("runs the three-legged dance: request token, authorize URL, access token that signs REST calls", async () => {
    const setup = { baseUrl: sim.url, consumerKey: sim.credentials.JIRA_SERVER_CONSUMER_KEY as string, privateKeyPem: sim.credentials.JIRA_SERVER_PRIVATE_KEY as string };
    const options = { send: { allowedPrivateTargets: t.app.config.allowPrivateTargets }, clock: t.app.clock };
    const request = await getRequestToken(setup, "http://127.0.0.1:9/jira-callback", options);
    const approve = await fetch(authorizeUrl(sim.url, request.token), { redirect: "manual" });
    expect(approve.status).toBe(302);
    const verifier = new URL(approve.headers.get("location") as string).searchParams.get("oauth_verifier") as string;
    await expect(getAccessToken(setup, request.token, "", options)).rejects.toMatchObject({ code: "jira_server_oauth_verifier_missing" });
    await expect(getAccessToken(setup, request.token, "wrong1", options)).rejects.toMatchObject({ code: "jira_server_oauth_refused" });
    const access = await getAccessToken(setup, request.token, verifier, options);
    expect(access.token).toMatch(/^\w{32}$/);
    expect(access.expiresIn).toBe(157680000);
    await expect(getRequestToken({ ...setup, consumerKey: "unknown-consumer" }, "oob", options)).rejects.toMatchObject({ code: "jira_server_oauth_refused", detail: { oauthProblem: "consumer_key_unknown" } });
  });

  it("marks the identity needs_reauth when Jira rejects the revoked token, and sends nothing more for it", async () => {
    const revoked = await createJiraServerIntegration(t.app, sim, { externalId: "revoked-link", username: "jdoe" });
    const own = await JiraServerClient.forIntegration(t.app, revoked.id);
    sim.control.revokeAccessToken(revoked.credential.accessToken);
    await expect(getIssue(own, "SWB-1")).rejects.toMatchObject({ code: "identity_needs_reauth", kind: "unauthorized" });
    const stored = await readCredential(t.app.store.db, t.app.vault, "jira_server", "revoked-link");
    expect(stored?.status).toBe("needs_reauth");
    const sent = sim.server.requests.length;
    await expect(getIssue(own, "SWB-1")).rejects.toMatchObject({ code: "identity_needs_reauth" });
    expect(sim.server.requests.length).toBe(sent);
  });

  it("refuses a base URL outside the target policy when the client is made", async () => {
    await t.app.store.db.updateTable("integrations").set({ metadata: JSON.stringify({ base_url: "http://169.254.169.254/" }) }).where("external_id", "=", "revoked-link").execute();
    const row = await t.app.store.db.selectFrom("integrations").select("id").where("external_id", "=", "revoked-link").executeTakeFirstOrThrow();
    await expect(JiraServerClient.forIntegration(t.app, row.id)).rejects.toMatchObject({ kind: "validation" });
  });

  it("never writes the private key, the access token or its secret to a log line", () => {
    const logs = t.logs.join("\n");
    const keyBody = integration.credential.privateKey.split("\n")[1] as string;
    for (const secret of [keyBody, integration.credential.accessToken, integration.credential.accessTokenSecret, integration.webhookSecret]) expect(logs).not.toContain(secret);
  });
});
