import { createHmac, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BitbucketControl } from "../../simulators/bitbucket/control.js";
import { startBitbucketSimulator } from "../../simulators/bitbucket/index.js";
import type { StartedSimulator } from "../../simulators/shared/types.js";
import { findGroupAssignee } from "../../src/store/group-assignees.js";
import { addProjectTeam, createGroup, createMember, createOrganization, createProject, createTeam, installIntegration, linkGroup } from "../helpers/fixtures.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { storeMode } from "../helpers/test-store.js";
import { waitFor } from "../helpers/wait-for.js";

const REPO = "acme/api";

describe(`POST /extensions/bitbucket/organizations/{org_id}/webhook/: issue events into neutral sync (${storeMode})`, () => {
  let sim: StartedSimulator<BitbucketControl>;
  let t: TestApp;
  let org: { id: number };
  let integrationId: number;
  let repoUuid: string;
  let group: { id: number; projectId: number };
  let grace: { id: number };
  let issueId: number;
  let hookUrl: string;

  const db = () => t.app.store.db;
  const deliveries = () => db().selectFrom("webhook_deliveries").select(["delivery_id", "event", "state"]).where("provider", "=", "bitbucket").execute();
  const assigneeOf = async () => (await findGroupAssignee(db(), group.id))?.user_id ?? null;
  const statusOf = async () => (await db().selectFrom("groups").select("status").where("id", "=", group.id).executeTakeFirstOrThrow()).status;
  const post = (body: string, headers: Record<string, string>, orgId: number | string = org.id) =>
    fetch(`${t.url}/extensions/bitbucket/organizations/${orgId}/webhook/`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

  beforeAll(async () => {
    sim = await startBitbucketSimulator();
    t = await startTestApp({ workers: true, env: { BITBUCKET_INSTALL_KEYS_URL: sim.credentials.BITBUCKET_INSTALL_KEYS_URL as string } });
    const installed = await sim.control.install({ appUrl: t.url });
    expect(installed.accepted).toBe(true);
    integrationId = (await db().selectFrom("integrations").select("id").where("provider", "=", "bitbucket").where("external_id", "=", installed.clientKey).executeTakeFirstOrThrow()).id;

    org = await createOrganization(db(), `bb-org-${Date.now()}`);
    await installIntegration(db(), org.id, integrationId, { sync_reverse_assignment: true, sync_status_reverse: true });
    repoUuid = sim.control.addRepository({ workspace: "acme", slug: "api" }).uuid;
    const now = new Date().toISOString();
    await db()
      .insertInto("repositories")
      .values({ organization_id: org.id, integration_id: integrationId, provider: "integrations:bitbucket", external_id: repoUuid, name: REPO, url: null, status: "active", date_added: now })
      .execute();
    const project = await createProject(db(), org.id);
    const team = await createTeam(db(), org.id);
    await addProjectTeam(db(), project.id, team.id);
    grace = await createMember(db(), org.id, { email: "grace@example.com", teams: [team.id] });
    await db().insertInto("external_actors").values({ organization_id: org.id, integration_id: integrationId, provider: "bitbucket", external_name: "@grace", external_id: null, user_id: grace.id, team_id: null, date_added: now }).execute();
    group = await createGroup(db(), project.id);
    issueId = await sim.control.createIssue(REPO, { title: "TypeError in checkout" }, { notify: false });
    await linkGroup(db(), group, org.id, integrationId, `${REPO}#${issueId}`);
    hookUrl = `${t.url}/extensions/bitbucket/organizations/${org.id}/webhook/`;
    sim.control.addHook(REPO, { url: hookUrl });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  it("acknowledges issue:created with 204 and records nothing (only updates are acted on)", async () => {
    const before = (await deliveries()).length;
    await sim.control.createIssue(REPO, { title: "Another" });
    const sent = sim.server.webhooks.deliveries.at(-1)!;
    expect(sent.headers["x-event-key"]).toBe("issue:created");
    expect(sent.status).toBe(204);
    expect((await deliveries()).length).toBe(before);
  });

  it("assigns the linked group to the member mapped to the Bitbucket assignee", async () => {
    const [delivery] = await sim.control.assign(REPO, issueId, "grace");
    expect(delivery!.status).toBe(204);
    expect(await waitFor(assigneeOf, (id) => id === grace.id)).toBe(grace.id);
    const recorded = await waitFor(deliveries, (rows) => rows.every((r) => r.state === "processed"));
    expect(recorded.map((r) => r.event)).toEqual(["issue:updated"]);
  });

  it("resolves the linked group when the Bitbucket issue is resolved, and unresolves it when reopened", async () => {
    await sim.control.setState(REPO, issueId, "resolved");
    expect(await waitFor(statusOf, (s) => s === "resolved")).toBe("resolved");
    await sim.control.setState(REPO, issueId, "open");
    expect(await waitFor(statusOf, (s) => s === "unresolved")).toBe("unresolved");
  });

  it("deassigns the linked group when the Bitbucket issue is unassigned", async () => {
    await sim.control.assign(REPO, issueId, null);
    expect(await waitFor(assigneeOf, (id) => id === null)).toBe(null);
  });

  it("keeps one record for a redelivered request (same X-Request-UUID)", async () => {
    const body = JSON.stringify({ issue: { id: issueId, updated_on: new Date().toISOString(), assignee: null }, repository: { uuid: repoUuid, full_name: REPO }, changes: { title: { old: "a", new: "b" } } });
    const headers = { "x-event-key": "issue:updated", "x-request-uuid": randomUUID() };
    expect((await post(body, headers)).status).toBe(204);
    expect((await post(body, headers)).status).toBe(204);
    expect((await deliveries()).filter((d) => d.delivery_id.endsWith(headers["x-request-uuid"]))).toHaveLength(1);
  });

  it("refuses a delivery naming a repository the organization has not linked: 401, nothing recorded", async () => {
    const before = (await deliveries()).length;
    const body = JSON.stringify({ issue: { id: 1 }, repository: { uuid: "{not-ours}", full_name: "someone/else" }, changes: { assignee: {} } });
    const response = await post(body, { "x-event-key": "issue:updated", "x-request-uuid": randomUUID() });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { code: string }).code).toBe("webhook_repository_unknown");
    expect((await deliveries()).length).toBe(before);
  });

  it("answers 400 for an unknown organization, a missing X-Event-Key or a body that is not JSON", async () => {
    const body = JSON.stringify({ repository: { uuid: repoUuid } });
    expect((await post(body, { "x-event-key": "issue:updated" }, 999_999_999)).status).toBe(400);
    expect((await post(body, { "x-event-key": "issue:updated" }, "not-a-number")).status).toBe(400);
    expect((await post(body, {})).status).toBe(400);
    expect((await post("{", { "x-event-key": "issue:updated" })).status).toBe(400);
  });

  it("requires the hook's X-Hub-Signature once the integration holds a hook secret", async () => {
    const secret = "hook-secret-" + randomUUID();
    const row = await db().selectFrom("integrations").select("metadata").where("id", "=", integrationId).executeTakeFirstOrThrow();
    const metadata = { ...(JSON.parse(row.metadata) as object), webhook_secret: t.app.vault.seal(secret) };
    await db().updateTable("integrations").set({ metadata: JSON.stringify(metadata) }).where("id", "=", integrationId).execute();
    const body = JSON.stringify({ issue: { id: issueId }, repository: { uuid: repoUuid, full_name: REPO }, changes: {} });
    const unsigned = await post(body, { "x-event-key": "issue:updated", "x-request-uuid": randomUUID() });
    expect(unsigned.status).toBe(401);
    const forged = await post(body, { "x-event-key": "issue:updated", "x-hub-signature": `sha256=${createHmac("sha256", "wrong").update(body).digest("hex")}` });
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as { code: string }).code).toBe("webhook_signature_mismatch");
    // Bitbucket signs with the hook's secret: the simulator's hook now carries it.
    sim.control.addHook(REPO, { url: hookUrl, secret });
    // The older hook (no secret) is now refused; the new one is signed and accepted.
    const [unsignedHook, signed] = await sim.control.assign(REPO, issueId, "grace");
    expect(unsignedHook!.status).toBe(401);
    expect(signed!.status).toBe(204);
    expect(await waitFor(assigneeOf, (id) => id === grace.id)).toBe(grace.id);
    expect(t.logs.join("")).not.toContain(secret);
  });
});
