import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JiraServerControl } from "../../simulators/jira-server/control.js";
import { startJiraServerSimulator } from "../../simulators/jira-server/index.js";
import type { StartedSimulator } from "../../simulators/shared/types.js";
import { JiraServerClient } from "../../src/providers/jira-server/client.js";
import { issueUpdatedUrl, registerIssueWebhook } from "../../src/providers/jira-server/register-webhook.js";
import { createApiToken } from "../../src/store/api-tokens.js";
import { findGroupAssignee } from "../../src/store/group-assignees.js";
import { listSyncLog } from "../../src/store/sync-log.js";
import { addProjectTeam, createGroup, createMember, createOrganization, createProject, createTeam, installIntegration, linkGroup } from "../helpers/fixtures.js";
import { createJiraServerIntegration } from "../helpers/jira-server-fixture.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { storeMode } from "../helpers/test-store.js";
import { until } from "../helpers/until.js";


describe(`Jira Server two-way sync end to end over the simulator (${storeMode})`, () => {
  let sim: StartedSimulator<JiraServerControl>;
  let t: TestApp;
  let token: string;
  let integrationId: number;
  let group: { id: number; projectId: number };
  let ana: { id: number };
  let ben: { id: number };
  let key: string;
  let secrets: string[];

  const fields = () => sim.control.issue(key).fields as { assignee: { name: string } | null; status: { name: string } };
  const assigneePuts = () => sim.server.requests.filter((r) => r.method === "PUT" && r.path === `/rest/api/2/issue/${key}/assignee`);
  const assigneeOf = async () => (await findGroupAssignee(t.app.store.db, group.id))?.user_id ?? null;
  const statusOf = async () => (await t.app.store.db.selectFrom("groups").select("status").where("id", "=", group.id).executeTakeFirstOrThrow()).status;
  const syncLog = () => listSyncLog(t.app.store.db, group.id, integrationId);
  const put = (body: unknown) =>
    fetch(`${t.url}/api/0/issues/${group.id}/`, { method: "PUT", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });

  beforeAll(async () => {
    sim = await startJiraServerSimulator();
    t = await startTestApp({ workers: true });
    const db = t.app.store.db;
    const integration = await createJiraServerIntegration(t.app, sim);
    integrationId = integration.id;
    secrets = [integration.credential.accessToken, integration.credential.accessTokenSecret, integration.webhookSecret, integration.credential.privateKey.split("\n")[1] as string];
    // The webhook is registered the way setup does it: signed REST call, our route with the JWT path token.
    const client = await JiraServerClient.forIntegration(t.app, integrationId);
    await registerIssueWebhook(client, await issueUpdatedUrl(t.url, integration.externalId, integration.webhookSecret));

    sim.control.addUser({ name: "ana", displayName: "Ana", emailAddress: "ana@example.com" });
    sim.control.addUser({ name: "ben", displayName: "Ben", emailAddress: "ben@example.com" });
    key = (await sim.control.createIssue({ project: "SWB", summary: "TypeError in checkout" })).key;

    const org = await createOrganization(db, "acme");
    await installIntegration(db, org.id, integrationId, { sync_forward_assignment: true, sync_reverse_assignment: true, sync_status_forward: true, sync_status_reverse: true });
    const project = await createProject(db, org.id, "web");
    const team = await createTeam(db, org.id);
    await addProjectTeam(db, project.id, team.id);
    ana = await createMember(db, org.id, { email: "ana@example.com", teams: [team.id] });
    ben = await createMember(db, org.id, { email: "ben@example.com", teams: [team.id] });
    group = await createGroup(db, project.id);
    await linkGroup(db, group, org.id, integrationId, key);
    token = (await createApiToken(db, org.id, "e2e", new Date().toISOString())).token;
  });

  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  it("assigns the group to the user with the Jira assignee's email (jira:issue_updated with changelog in)", async () => {
    await sim.control.assign(key, "ana");
    expect(await until(assigneeOf, (v) => v === ana.id)).toBe(ana.id);
  });

  it("assigns the ticket through exactly one signed assign call, and the echo changes nothing (no loop)", async () => {
    const before = assigneePuts().length;
    expect((await put({ assignedTo: `user:${ben.id}` })).status).toBe(200);
    await until(async () => fields().assignee?.name, (name) => name === "ben");
    const log = await until(syncLog, (entries) => entries.some((l) => l.direction === "inbound" && l.field === "assignee" && l.outcome === "skipped_echo"));
    expect(log.some((l) => l.direction === "inbound" && l.field === "assignee" && l.outcome === "skipped_echo")).toBe(true);
    await sim.control.deliveriesSettled();
    await new Promise((r) => setTimeout(r, 500));
    expect(assigneePuts().length - before).toBe(1);
    expect(await assigneeOf()).toBe(ben.id);
    expect(fields().assignee?.name).toBe("ben");
  });

  it("unassigns both ways", async () => {
    const before = assigneePuts().length;
    await put({ assignedTo: null });
    expect(await until(async () => fields().assignee, (a) => a === null)).toBeNull();
    expect(assigneePuts().length - before).toBe(1);
    await sim.control.assign(key, "ana");
    await until(assigneeOf, (v) => v === ana.id);
    await sim.control.assign(key, null);
    expect(await until(assigneeOf, (v) => v === null)).toBeNull();
  });

  it("resolves and reopens both ways (workflow transitions out, status category in)", async () => {
    await sim.control.transition(key, "Done");
    expect(await until(statusOf, (s) => s === "resolved")).toBe("resolved");
    await sim.control.transition(key, "To Do");
    expect(await until(statusOf, (s) => s === "unresolved")).toBe("unresolved");
    expect((await put({ status: "resolved" })).status).toBe(200);
    expect(await until(async () => fields().status.name, (s) => s === "Done")).toBe("Done");
    expect((await put({ status: "unresolved" })).status).toBe(200);
    expect(await until(async () => fields().status.name, (s) => s === "To Do")).toBe("To Do");
    await sim.control.deliveriesSettled();
    await new Promise((r) => setTimeout(r, 300));
    expect(await statusOf()).toBe("unresolved");
  });

  it("lets the newer of two out-of-order deliveries win (D10)", async () => {
    sim.control.holdDeliveries();
    await sim.control.assign(key, "ana");
    await fetch(`${sim.url}/_sim/clock`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ advanceSeconds: 2 }) });
    await sim.control.assign(key, "ben");
    expect(sim.control.heldDeliveries()).toBe(2);
    await sim.control.releaseDeliveries("reverse");
    const log = await until(syncLog, (entries) => entries.some((l) => l.direction === "inbound" && l.outcome === "skipped_older"));
    expect(log.some((l) => l.direction === "inbound" && l.outcome === "skipped_older")).toBe(true);
    expect(await assigneeOf()).toBe(ben.id);
    expect(fields().assignee?.name).toBe("ben");
  });

  it("never writes the access token, its secret, the private key or the webhook secret to a log line", () => {
    const logs = t.logs.join("\n");
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });
});
