import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureDevopsSimulator, type AzureDevopsControl } from "../../../simulators/azure-devops/index.js";
import type { StartedSimulator } from "../../../simulators/shared/types.js";
import { isAppError } from "../../../src/domain/errors.js";
import { azureIssueSync } from "../../../src/providers/azure-devops/issue-sync.js";
import { parseWorkItemUpdated } from "../../../src/providers/azure-devops/webhook.js";
import { azureTickets } from "../../../src/providers/azure-devops/tickets.js";
import { getProfile, listAccounts } from "../../../src/providers/azure-devops/profile.js";
import { listProjects } from "../../../src/providers/azure-devops/projects.js";
import { createSubscription, deleteSubscription, getSubscription } from "../../../src/providers/azure-devops/subscriptions.js";
import { createIntegration, createOrganization } from "../../helpers/fixtures.js";
import { startTestApp, type TestApp } from "../../helpers/test-app.js";
import { storeMode } from "../../helpers/test-store.js";
import { azureEnv, clientFor, seedIdentity } from "./azure-harness.js";
import { issueSyncProviderFor } from "../../../src/sync/outbound/issue-sync-provider.js";
import { ticketProviderFor } from "../../../src/sync/tickets/ticket-provider.js";

const PROJECT = "Fabrikam-Fiber";
const config = { default_project: PROJECT, status_mapping: { [PROJECT]: { on_resolve: "Closed", on_unresolve: "Active" } } };

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return isAppError(error) ? error.code : (error as Error).message;
  }
  return undefined;
}

describe(`Azure DevOps tickets and issue sync over the simulator (${storeMode})`, () => {
  let sim: StartedSimulator<AzureDevopsControl>;
  let t: TestApp;
  let tickets: ReturnType<typeof azureTickets>;
  let sync: ReturnType<typeof azureIssueSync>;

  beforeAll(async () => {
    sim = await startAzureDevopsSimulator();
    t = await startTestApp({ env: azureEnv(sim) });
    const client = clientFor(t.app, sim, await seedIdentity(t.app, sim, { expiresAt: Math.floor(Date.now() / 1000) + 3600 }));
    tickets = azureTickets(client);
    sync = azureIssueSync(client);
  });
  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  const ticket = (key: string, cfg: Record<string, unknown> = config) => ({ integrationId: 1, organizationId: 1, externalIssueId: 1, key, config: cfg });

  it("creates a Bug in the configured project with a description linking back, and reads it", async () => {
    const created = await tickets.createTicket({ title: "TypeError: x is undefined", description: "Seen 12 times.\nhttp://switchboard.test/issues/7/" }, config);
    expect(created.status).toBe("New");
    const item = sim.control.workItem(Number(created.key));
    expect(item.fields["System.WorkItemType"]).toBe("Bug");
    expect(item.fields["System.TeamProject"]).toBe(PROJECT);
    expect(String(item.fields["System.Description"])).toContain('<a href="http://switchboard.test/issues/7/">');
    const read = await tickets.getTicket(created.key);
    expect(read).toMatchObject({ key: created.key, title: "TypeError: x is undefined", status: "New" });
    expect(read.url).toContain(`id=${created.key}`);
  });

  it("creates a Task when configured, and refuses other types and a missing project with clear codes", async () => {
    const task = await tickets.createTicket({ title: "Rotate keys", description: "-" }, { ...config, work_item_type: "Task" });
    expect(sim.control.workItem(Number(task.key)).fields["System.WorkItemType"]).toBe("Task");
    expect(await codeOf(tickets.createTicket({ title: "x", description: "-" }, { ...config, work_item_type: "Epic" }))).toBe("azure_work_item_type_invalid");
    expect(await codeOf(tickets.createTicket({ title: "x", description: "-" }, {}))).toBe("azure_project_required");
  });

  it("searches by title through WIQL (quotes escaped) and by id", async () => {
    await tickets.createTicket({ title: "Payment O'Brien failure", description: "-" }, config);
    const found = await tickets.searchTickets("O'Brien", config, 10);
    expect(found.map((f) => f.title)).toEqual(["Payment O'Brien failure"]);
    const byId = await tickets.searchTickets(found[0]!.key, config, 10);
    expect(byId.map((f) => f.key)).toEqual([found[0]!.key]);
    expect(await tickets.searchTickets("999999", config, 10)).toEqual([]);
  });

  it("answers an unknown work item with not_found and a key that is not an id with a validation error", async () => {
    expect(await codeOf(tickets.getTicket("999999"))).toBe("azure_api_error");
    expect(await codeOf(tickets.getTicket("PROJ-1"))).toBe("azure_work_item_key_invalid");
  });

  it("assigns by email, unassigns, and moves the state the org config maps", async () => {
    const id = await sim.control.createWorkItem({ org: "fabrikam", project: PROJECT, title: "Sync me" });
    await sync.assignTicket(ticket(String(id)), { email: "ada@example.com", name: "Ada", externalNames: [] });
    expect(sim.control.workItem(id).fields["System.AssignedTo"]).toContain("<ada@example.com>");
    await sync.assignTicket(ticket(String(id)), null);
    expect(sim.control.workItem(id).fields["System.AssignedTo"]).toBeUndefined();
    const revBefore = sim.control.workItem(id).rev;
    await sync.assignTicket(ticket(String(id)), null);
    expect(sim.control.workItem(id).rev).toBe(revBefore);
    await sync.setTicketResolved(ticket(String(id)), true);
    expect(sim.control.workItem(id).fields["System.State"]).toBe("Closed");
    await sync.setTicketResolved(ticket(String(id)), true);
    expect(sim.control.workItem(id).rev).toBe(revBefore + 1);
    await sync.setTicketResolved(ticket(String(id)), false);
    expect(sim.control.workItem(id).fields["System.State"]).toBe("Active");
    expect(sync.echoValueFor?.({ email: "ada@example.com", name: "Ada", externalNames: ["@ada"] })).toBe("ada@example.com");
  });

  it("refuses to change the state of a project without a mapping, naming the setting", async () => {
    const id = await sim.control.createWorkItem({ org: "fabrikam", project: PROJECT, title: "Unmapped" });
    expect(await codeOf(sync.setTicketResolved(ticket(String(id), { status_mapping: { Other: { on_resolve: "Closed", on_unresolve: "Active" } } }), true))).toBe("azure_status_mapping_missing");
    await sync.setTicketResolved(ticket(String(id), { status_mapping: { "*": { on_resolve: "Resolved", on_unresolve: "Active" } } }), true);
    expect(sim.control.workItem(id).fields["System.State"]).toBe("Resolved");
  });

  it("is registered for provider vsts: the integration's identity comes from default_auth_id, its URL from domain_name", async () => {
    const db = t.app.store.db;
    const identity = await seedIdentity(t.app, sim, { expiresAt: Math.floor(Date.now() / 1000) + 3600 });
    const org = await createOrganization(db);
    const integration = await createIntegration(db, org.id, { provider: "vsts", metadata: { domain_name: `${sim.url}/fabrikam/` } });
    expect(await codeOf(issueSyncProviderFor("vsts", integration.id))).toBe("identity_not_found");
    const row = await db.selectFrom("identities").select("id").where("external_id", "=", identity.externalId).executeTakeFirstOrThrow();
    await db.updateTable("organization_integrations").set({ default_auth_id: row.id }).where("integration_id", "=", integration.id).execute();
    const provider = await ticketProviderFor("vsts", integration.id);
    const created = await provider!.createTicket({ title: "Through the registry", description: "-" }, config);
    expect(sim.control.workItem(Number(created.key)).fields["System.Title"]).toBe("Through the registry");
    expect(await issueSyncProviderFor("vsts", integration.id)).toBeDefined();
  });
});

describe("workitem.updated status changes (§4.4)", () => {
  const delivery = (state: { oldValue?: string; newValue?: string }, rev = 3) => ({ resource: { workItemId: 13, rev, fields: { "System.State": state } } });

  it("resolves when the state enters a done state and unresolves when it leaves one", () => {
    expect(parseWorkItemUpdated(delivery({ oldValue: "Active", newValue: "Resolved" }), 9)).toEqual([{ type: "status_changed", integrationId: 9, externalIssueKey: "13", resolved: true, ordering: 3 }]);
    expect(parseWorkItemUpdated(delivery({ oldValue: "Done", newValue: "Committed" }), 9)).toEqual([{ type: "status_changed", integrationId: 9, externalIssueKey: "13", resolved: false, ordering: 3 }]);
  });

  it("changes nothing for a new item's first state or a move between two open (or two done) states", () => {
    expect(parseWorkItemUpdated(delivery({ newValue: "Closed" }), 9)).toEqual([]);
    expect(parseWorkItemUpdated(delivery({ oldValue: "New", newValue: "Active" }), 9)).toEqual([]);
    expect(parseWorkItemUpdated(delivery({ oldValue: "Resolved", newValue: "Closed" }), 9)).toEqual([]);
  });
});

describe(`Azure DevOps projects, accounts and service hooks (${storeMode})`, () => {
  let sim: StartedSimulator<AzureDevopsControl>;
  let t: TestApp;
  let client: ReturnType<typeof clientFor>;

  beforeAll(async () => {
    sim = await startAzureDevopsSimulator();
    t = await startTestApp({ env: azureEnv(sim) });
    client = clientFor(t.app, sim, await seedIdentity(t.app, sim, { expiresAt: Math.floor(Date.now() / 1000) + 3600 }));
  });
  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  it("lists every project across pages", async () => {
    for (let i = 0; i < 120; i++) sim.control.addProject("fabrikam", `P-${String(i).padStart(3, "0")}`);
    const projects = await listProjects(client);
    expect(projects).toHaveLength(121);
    expect(new Set(projects.map((p) => p.name)).size).toBe(121);
    expect(sim.server.requests.filter((r) => r.path === "/fabrikam/_apis/projects")).toHaveLength(2);
  });

  it("lists the organizations of the authorizing member with their instance URLs", async () => {
    const profile = await getProfile(client, t.app.config.azureDevops.vsspsUrl);
    const accounts = await listAccounts(client, t.app.config.azureDevops.vsspsUrl, profile.id);
    expect(accounts.map((a) => a.accountUri)).toContain(`${sim.url}/fabrikam/`);
  });

  it("creates, reads and deletes a workitem.updated subscription pinned to resource version 1.0", async () => {
    const created = await createSubscription(client, "http://127.0.0.1:9/extensions/vsts/issue-updated/", "s3cret");
    const read = await getSubscription(client, created.id);
    expect(read).toMatchObject({ id: created.id, eventType: "workitem.updated" });
    expect(read.consumerInputs?.httpHeaders).toBe("shared-secret:s3cret");
    await deleteSubscription(client, created.id);
    expect(sim.control.subscriptions("fabrikam").map((s) => s.id)).not.toContain(created.id);
  });
});
