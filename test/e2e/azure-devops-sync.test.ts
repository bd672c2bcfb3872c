import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureDevopsSimulator, type AzureDevopsControl } from "../../simulators/azure-devops/index.js";
import type { StartedSimulator } from "../../simulators/shared/types.js";
import { azureClientFor } from "../../src/providers/azure-devops/integration-client.js";
import { createSubscription } from "../../src/providers/azure-devops/subscriptions.js";
import { createApiToken } from "../../src/store/api-tokens.js";
import { findGroupAssignee } from "../../src/store/group-assignees.js";
import { listSyncLog } from "../../src/store/sync-log.js";
import { addProjectTeam, createGroup, createMember, createOrganization, createProject, createTeam, installIntegration, linkGroup } from "../helpers/fixtures.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { storeMode } from "../helpers/test-store.js";
import { azureEnv, seedIdentity } from "../providers/azure-devops/azure-harness.js";
import { until } from "../helpers/until.js";

const ORG = "fabrikam";
const PROJECT = "Fabrikam-Fiber";


describe(`Azure DevOps two-way sync end to end over the simulator (${storeMode})`, () => {
  let sim: StartedSimulator<AzureDevopsControl>;
  let t: TestApp;
  let token: string;
  let integrationId: number;
  let group: { id: number; projectId: number };
  let ana: { id: number };
  let ben: { id: number };
  let workItemId: number;

  const patches = () => sim.server.requests.filter((r) => r.method === "PATCH" && r.path === `/${ORG}/_apis/wit/workitems/${workItemId}`);
  const assigneeOf = async () => (await findGroupAssignee(t.app.store.db, group.id))?.user_id ?? null;
  const statusOf = async () => (await t.app.store.db.selectFrom("groups").select("status").where("id", "=", group.id).executeTakeFirstOrThrow()).status;
  const assignedAtAzure = () => {
    const value = sim.control.workItem(workItemId, ORG).fields["System.AssignedTo"];
    return typeof value === "string" ? value : null;
  };
  const stateAtAzure = () => String(sim.control.workItem(workItemId, ORG).fields["System.State"]);
  const put = (body: unknown) =>
    fetch(`${t.url}/api/0/issues/${group.id}/`, { method: "PUT", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });

  beforeAll(async () => {
    sim = await startAzureDevopsSimulator();
    t = await startTestApp({ workers: true, env: azureEnv(sim) });
    const db = t.app.store.db;
    const azureOrg = sim.control.addOrganization(ORG, ["ana@example.com", "ben@example.com"]);
    sim.control.addUser("ana@example.com", "Ana Lima");
    sim.control.addUser("ben@example.com", "Ben Okafor");

    // The install flow's result: the identity that authorized the app, and the integration for the collection.
    const identity = await seedIdentity(t.app, sim, { expiresAt: Math.floor(Date.now() / 1000) + 3600 });
    const instanceUrl = `${sim.url}/${ORG}/`;
    const webhookSecret = randomBytes(32).toString("hex");
    const client = azureClientFor(t.app, { instanceUrl, flow: "legacy", identity: { externalId: identity.externalId, scopes: identity.scopes } });
    const subscription = await createSubscription(client, `${t.url}/extensions/vsts/issue-updated/`, webhookSecret);
    const now = new Date().toISOString();
    integrationId = (
      await db
        .insertInto("integrations")
        .values({
          provider: "vsts",
          external_id: azureOrg.collectionId,
          name: ORG,
          status: "active",
          metadata: JSON.stringify({ domain_name: instanceUrl, subscription: { id: subscription.id, secret: t.app.vault.seal(webhookSecret) } }),
          date_added: now,
          date_updated: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;

    const org = await createOrganization(db, "acme");
    await installIntegration(db, org.id, integrationId, {
      sync_forward_assignment: true,
      sync_reverse_assignment: true,
      sync_status_forward: true,
      sync_status_reverse: true,
      status_mapping: { [PROJECT]: { on_resolve: "Resolved", on_unresolve: "Active" } },
    });
    const identityRow = await db.selectFrom("identities").select("id").where("provider", "=", "vsts").where("external_id", "=", identity.externalId).executeTakeFirstOrThrow();
    await db.updateTable("organization_integrations").set({ default_auth_id: identityRow.id }).where("integration_id", "=", integrationId).execute();
    const project = await createProject(db, org.id, "web");
    const team = await createTeam(db, org.id);
    await addProjectTeam(db, project.id, team.id);
    ana = await createMember(db, org.id, { email: "ana@example.com", teams: [team.id] });
    ben = await createMember(db, org.id, { email: "ben@example.com", teams: [team.id] });
    workItemId = await sim.control.createWorkItem({ org: ORG, project: PROJECT, title: "TypeError in checkout" });
    group = await createGroup(db, project.id);
    await linkGroup(db, group, org.id, integrationId, String(workItemId));
    token = (await createApiToken(db, org.id, "e2e", now)).token;
  });

  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  it("subscribed workitem.updated with the shared secret as a header (§1.8)", () => {
    const [subscription] = sim.control.subscriptions(ORG);
    expect(subscription?.eventType).toBe("workitem.updated");
    expect(subscription?.consumerInputs.httpHeaders).toMatch(/^shared-secret:[0-9a-f]{64}$/);
  });

  it("assigns the group when the work item's assignee changes in Azure DevOps (signed delivery in)", async () => {
    await sim.control.assignWorkItem(workItemId, "ana@example.com", { org: ORG });
    expect(await until(assigneeOf, (v) => v === ana.id)).toBe(ana.id);
  });

  it("assigns the work item through exactly one PATCH, and the echo changes nothing (no loop)", async () => {
    const before = patches().length;
    expect((await put({ assignedTo: `user:${ben.id}` })).status).toBe(200);
    await until(async () => assignedAtAzure(), (a) => a?.includes("<ben@example.com>") === true);
    expect(JSON.parse(patches().at(-1)!.body)).toEqual([{ op: "replace", path: "/fields/System.AssignedTo", value: "ben@example.com" }]);
    await until(() => listSyncLog(t.app.store.db, group.id, integrationId), (log) => log.some((l) => l.direction === "inbound" && l.outcome === "skipped_echo"));
    await new Promise((r) => setTimeout(r, 500));
    expect(patches().length - before).toBe(1);
    expect(await assigneeOf()).toBe(ben.id);
  });

  it("unassigns both ways", async () => {
    const before = patches().length;
    await put({ assignedTo: null });
    await until(async () => assignedAtAzure(), (a) => a === null);
    expect(patches().length - before).toBe(1);
    await sim.control.assignWorkItem(workItemId, "ana@example.com", { org: ORG });
    await until(assigneeOf, (v) => v === ana.id);
    await sim.control.assignWorkItem(workItemId, null, { org: ORG });
    expect(await until(assigneeOf, (v) => v === null)).toBeNull();
  });

  it("resolves and reopens both ways through the configured states", async () => {
    await sim.control.setState(workItemId, "Resolved", { org: ORG });
    expect(await until(statusOf, (s) => s === "resolved")).toBe("resolved");
    await put({ status: "unresolved" });
    expect(await until(async () => stateAtAzure(), (s) => s === "Active")).toBe("Active");
    await put({ status: "resolved" });
    expect(await until(async () => stateAtAzure(), (s) => s === "Resolved")).toBe("Resolved");
    await sim.control.setState(workItemId, "Active", { org: ORG });
    expect(await until(statusOf, (s) => s === "unresolved")).toBe("unresolved");
  });

  it("lets the newer of two out-of-order deliveries win, by rev (D10)", async () => {
    sim.control.holdDeliveries();
    await sim.control.assignWorkItem(workItemId, "ana@example.com", { org: ORG });
    await sim.control.assignWorkItem(workItemId, "ben@example.com", { org: ORG });
    await sim.control.releaseDeliveries("reverse");
    await sim.control.deliveriesSettled();
    await until(() => listSyncLog(t.app.store.db, group.id, integrationId), (log) => log.some((l) => l.outcome === "skipped_older"));
    expect(await assigneeOf()).toBe(ben.id);
    expect(assignedAtAzure()).toContain("<ben@example.com>");
  });

  it("leaves no token, client secret or webhook secret in the logs", async () => {
    const rows = await t.app.store.db.selectFrom("identities").select("credential").where("provider", "=", "vsts").execute();
    const secrets = rows.flatMap((row) => Object.values(t.app.vault.openJson<Record<string, string>>(row.credential)));
    const [subscription] = sim.control.subscriptions(ORG);
    secrets.push(String(subscription?.consumerInputs.httpHeaders).replace("shared-secret:", ""), sim.credentials.AZURE_DEVOPS_CLIENT_SECRET as string);
    expect(t.logs.length).toBeGreaterThan(0);
    const logs = t.logs.join("\n");
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });
});
