import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BitbucketControl } from "../../simulators/bitbucket/control.js";
import { startBitbucketSimulator } from "../../simulators/bitbucket/index.js";
import type { StartedSimulator } from "../../simulators/shared/types.js";
import { BitbucketClient } from "../../src/providers/bitbucket/client.js";
import { createHook } from "../../src/providers/bitbucket/hooks.js";
import { createApiToken } from "../../src/store/api-tokens.js";
import { findGroupAssignee } from "../../src/store/group-assignees.js";
import { listSyncLog } from "../../src/store/sync-log.js";
import { addProjectTeam, createGroup, createMember, createOrganization, createProject, createTeam, installIntegration, linkGroup } from "../helpers/fixtures.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { storeMode } from "../helpers/test-store.js";
import { waitFor } from "../helpers/wait-for.js";

const REPO = "acme/web";

describe(`Bitbucket two-way sync end to end over the simulator (${storeMode})`, () => {
  let sim: StartedSimulator<BitbucketControl>;
  let t: TestApp;
  let token: string;
  let integrationId: number;
  let group: { id: number; projectId: number };
  let ana: { id: number };
  let ben: { id: number };
  let issueId: number;

  const db = () => t.app.store.db;
  const issue = () => sim.control.issue(REPO, issueId) as { state: string; assignee: { nickname: string } | null };
  const issuePuts = () => sim.server.requests.filter((r) => r.method === "PUT" && r.path === `/2.0/repositories/${REPO}/issues/${issueId}`);
  const assigneeOf = async () => (await findGroupAssignee(db(), group.id))?.user_id ?? null;
  const statusOf = async () => (await db().selectFrom("groups").select("status").where("id", "=", group.id).executeTakeFirstOrThrow()).status;
  const syncLog = () => listSyncLog(db(), group.id, integrationId);
  const put = (body: unknown) =>
    fetch(`${t.url}/api/0/issues/${group.id}/`, { method: "PUT", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });

  beforeAll(async () => {
    sim = await startBitbucketSimulator();
    t = await startTestApp({ workers: true, env: { BITBUCKET_INSTALL_KEYS_URL: sim.credentials.BITBUCKET_INSTALL_KEYS_URL as string } });
    // Installed through our own signed lifecycle route (D11): the shared secret is sealed in the integration.
    const installed = await sim.control.install({ appUrl: t.url });
    expect(installed.accepted).toBe(true);
    integrationId = (await db().selectFrom("integrations").select("id").where("provider", "=", "bitbucket").where("external_id", "=", installed.clientKey).executeTakeFirstOrThrow()).id;

    const org = await createOrganization(db(), "acme");
    await installIntegration(db(), org.id, integrationId, { sync_forward_assignment: true, sync_reverse_assignment: true, sync_status_forward: true, sync_status_reverse: true });
    const repoUuid = sim.control.addRepository({ workspace: "acme", slug: "web" }).uuid;
    const now = new Date().toISOString();
    await db()
      .insertInto("repositories")
      .values({ organization_id: org.id, integration_id: integrationId, provider: "integrations:bitbucket", external_id: repoUuid, name: REPO, url: null, status: "active", date_added: now })
      .execute();
    const project = await createProject(db(), org.id, "web");
    const team = await createTeam(db(), org.id);
    await addProjectTeam(db(), project.id, team.id);
    ana = await createMember(db(), org.id, { email: "ana@example.com", teams: [team.id] });
    ben = await createMember(db(), org.id, { email: "ben@example.com", teams: [team.id] });
    for (const [user, nickname] of [[ana, "@grace"], [ben, "@ada"]] as const) {
      await db().insertInto("external_actors").values({ organization_id: org.id, integration_id: integrationId, provider: "bitbucket", external_name: nickname, external_id: null, user_id: user.id, team_id: null, date_added: now }).execute();
    }
    issueId = await sim.control.createIssue(REPO, { title: "TypeError in checkout" }, { notify: false });
    group = await createGroup(db(), project.id);
    await linkGroup(db(), group, org.id, integrationId, `${REPO}#${issueId}`);
    // The repository hook is created by the app through the signed API, as setup would.
    const client = await BitbucketClient.forIntegration(t.app, integrationId);
    await createHook(client, REPO, { url: `${t.url}/extensions/bitbucket/organizations/${org.id}/webhook/`, description: "Switchboard issue sync" });
    token = (await createApiToken(db(), org.id, "e2e", now)).token;
  });

  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  it("assigns the group to the member mapped to the Bitbucket assignee (issue:updated in)", async () => {
    await sim.control.assign(REPO, issueId, "grace");
    expect(await waitFor(assigneeOf, (v) => v === ana.id)).toBe(ana.id);
  });

  it("assigns the ticket through exactly one signed update, and the echo changes nothing (no loop)", async () => {
    const before = issuePuts().length;
    expect((await put({ assignedTo: `user:${ben.id}` })).status).toBe(200);
    expect(await waitFor(async () => issue().assignee?.nickname, (n) => n === "ada")).toBe("ada");
    const log = await waitFor(syncLog, (entries) => entries.some((l) => l.direction === "inbound" && l.field === "assignee" && l.outcome === "skipped_echo"));
    expect(log.some((l) => l.direction === "inbound" && l.field === "assignee" && l.outcome === "skipped_echo")).toBe(true);
    await sim.control.settled();
    await new Promise((r) => setTimeout(r, 500));
    expect(issuePuts().length - before).toBe(1);
    expect(await assigneeOf()).toBe(ben.id);
  });

  it("unassigns both ways", async () => {
    const before = issuePuts().length;
    await put({ assignedTo: null });
    expect(await waitFor(async () => issue().assignee, (a) => a === null)).toBeNull();
    expect(issuePuts().length - before).toBe(1);
    await sim.control.assign(REPO, issueId, "grace");
    await waitFor(assigneeOf, (v) => v === ana.id);
    await sim.control.assign(REPO, issueId, null);
    expect(await waitFor(assigneeOf, (v) => v === null)).toBeNull();
  });

  it("resolves and reopens both ways", async () => {
    await sim.control.setState(REPO, issueId, "resolved");
    expect(await waitFor(statusOf, (s) => s === "resolved")).toBe("resolved");
    await sim.control.setState(REPO, issueId, "open");
    expect(await waitFor(statusOf, (s) => s === "unresolved")).toBe("unresolved");
    expect((await put({ status: "resolved" })).status).toBe(200);
    expect(await waitFor(async () => issue().state, (s) => s === "resolved")).toBe("resolved");
    expect((await put({ status: "unresolved" })).status).toBe(200);
    expect(await waitFor(async () => issue().state, (s) => s === "open")).toBe("open");
    await sim.control.settled();
    await new Promise((r) => setTimeout(r, 300));
    expect(await statusOf()).toBe("unresolved");
  });

  it("lets the newer of two out-of-order deliveries win (D10)", async () => {
    // An old "assigned to grace" delivery arrives again, late (a fresh request id, so not a redelivery).
    const stale = sim.server.webhooks.deliveries.find((d) => d.body.includes('"nickname":"grace"') && d.headers["x-event-key"] === "issue:updated" && d.body.includes('"assignee"'))!;
    await new Promise((r) => setTimeout(r, 1100));
    await sim.control.assign(REPO, issueId, "ada");
    await waitFor(assigneeOf, (v) => v === ben.id);
    const late = await fetch(stale.url, { method: "POST", headers: { ...stale.headers, "x-request-uuid": randomUUID() }, body: stale.body });
    expect(late.status).toBeLessThan(300);
    const log = await waitFor(syncLog, (entries) => entries.some((l) => l.direction === "inbound" && l.outcome === "skipped_older"));
    expect(log.some((l) => l.direction === "inbound" && l.outcome === "skipped_older")).toBe(true);
    expect(await assigneeOf()).toBe(ben.id);
    expect(issue().assignee?.nickname).toBe("ada");
  });

  it("never writes the shared secret or an API token to a log line", () => {
    const logs = t.logs.join("\n");
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain(sim.credentials.BITBUCKET_SHARED_SECRET as string);
    expect(logs).not.toMatch(/JWT eyJ/);
  });
});
