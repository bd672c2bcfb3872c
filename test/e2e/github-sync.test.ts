import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GithubControl } from "../../simulators/github/control.js";
import { startGithubSimulator } from "../../simulators/github/index.js";
import type { StartedSimulator } from "../../simulators/shared/types.js";
import { createApiToken } from "../../src/store/api-tokens.js";
import { findGroupAssignee } from "../../src/store/group-assignees.js";
import { listSyncLog } from "../../src/store/sync-log.js";
import { addProjectTeam, createGroup, createMember, createOrganization, createProject, createTeam, installIntegration, linkGroup } from "../helpers/fixtures.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { storeMode } from "../helpers/test-store.js";
import { until } from "../helpers/until.js";

const REPO = "acme/web";


describe(`GitHub two-way sync end to end over the simulator (${storeMode})`, () => {
  let sim: StartedSimulator<GithubControl>;
  let t: TestApp;
  let token: string;
  let integrationId: number;
  let group: { id: number; projectId: number };
  let ana: { id: number };
  let ben: { id: number };
  let issueNumber: number;

  const patches = () => sim.server.requests.filter((r) => r.method === "PATCH" && r.path.startsWith(`/repos/${REPO}/issues/`));
  const assigneeOf = async () => (await findGroupAssignee(t.app.store.db, group.id))?.user_id ?? null;
  const statusOf = async () => (await t.app.store.db.selectFrom("groups").select("status").where("id", "=", group.id).executeTakeFirstOrThrow()).status;
  const put = (body: unknown) =>
    fetch(`${t.url}/api/0/issues/${group.id}/`, { method: "PUT", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });

  beforeAll(async () => {
    sim = await startGithubSimulator();
    t = await startTestApp({
      workers: true,
      env: {
        GITHUB_APP_ID: sim.credentials.GITHUB_APP_ID as string,
        GITHUB_APP_PRIVATE_KEY: sim.credentials.GITHUB_APP_PRIVATE_KEY as string,
        GITHUB_WEBHOOK_SECRET: sim.credentials.GITHUB_WEBHOOK_SECRET as string,
        GITHUB_API_URL: sim.url,
      },
    });
    sim.control.setWebhookUrl(`${t.url}/extensions/github/webhook/`);
    const db = t.app.store.db;

    // The app is installed on GitHub: the installation.created delivery creates the integration.
    const installationId = await sim.control.createInstallation("acme");
    const integration = await until(
      () => db.selectFrom("integrations").select("id").where("provider", "=", "github").where("external_id", "=", String(installationId)).executeTakeFirst(),
      (row) => row !== undefined,
    );
    integrationId = integration!.id;
    sim.control.addRepository(installationId, REPO);
    sim.control.addUser("ana-gh");
    sim.control.addUser("ben-gh");
    issueNumber = sim.control.createIssue(REPO, "TypeError in checkout");

    const org = await createOrganization(db, "acme");
    await installIntegration(db, org.id, integrationId, { sync_forward_assignment: true, sync_reverse_assignment: true, sync_status_forward: true, sync_status_reverse: true });
    const project = await createProject(db, org.id, "web");
    const team = await createTeam(db, org.id);
    await addProjectTeam(db, project.id, team.id);
    ana = await createMember(db, org.id, { email: "ana@example.com", teams: [team.id] });
    ben = await createMember(db, org.id, { email: "ben@example.com", teams: [team.id] });
    const now = new Date().toISOString();
    for (const [user, login] of [[ana, "@ana-gh"], [ben, "@ben-gh"]] as const) {
      await db.insertInto("external_actors").values({ organization_id: org.id, integration_id: integrationId, provider: "github", external_name: login, external_id: null, user_id: user.id, team_id: null, date_added: now }).execute();
    }
    group = await createGroup(db, project.id);
    await linkGroup(db, group, org.id, integrationId, `${REPO}#${issueNumber}`);
    token = (await createApiToken(db, org.id, "e2e", now)).token;
  });

  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  it("assigns the group when the ticket's assignee changes at GitHub (signed webhook in)", async () => {
    await sim.control.assign(REPO, issueNumber, ["ana-gh"]);
    expect(await until(assigneeOf, (v) => v === ana.id)).toBe(ana.id);
  });

  it("assigns the ticket through exactly one outbound call, and the echo changes nothing (no loop)", async () => {
    const before = patches().length;
    expect((await put({ assignedTo: `user:${ben.id}` })).status).toBe(200);
    await until(async () => sim.control.issue(REPO, issueNumber).assignees, (a) => a[0] === "ben-gh");
    // The echo deliveries (unassigned ana, assigned ben) come back; give them time to be processed.
    await until(() => listSyncLog(t.app.store.db, group.id, integrationId), (log) => log.some((l) => l.direction === "inbound" && l.outcome === "skipped_echo"));
    await new Promise((r) => setTimeout(r, 500));
    expect(patches().length - before).toBe(1);
    expect(await assigneeOf()).toBe(ben.id);
  });

  it("unassigns both ways", async () => {
    const before = patches().length;
    await put({ assignedTo: null });
    await until(async () => sim.control.issue(REPO, issueNumber).assignees, (a) => a.length === 0);
    expect(patches().length - before).toBe(1);
    await sim.control.assign(REPO, issueNumber, ["ana-gh"]);
    await until(assigneeOf, (v) => v === ana.id);
    await sim.control.assign(REPO, issueNumber, []);
    expect(await until(assigneeOf, (v) => v === null)).toBeNull();
  });

  it("resolves and reopens both ways", async () => {
    await sim.control.close(REPO, issueNumber);
    expect(await until(statusOf, (s) => s === "resolved")).toBe("resolved");
    await put({ status: "unresolved" });
    expect(await until(async () => sim.control.issue(REPO, issueNumber).state, (s) => s === "open")).toBe("open");
    await put({ status: "resolved" });
    expect(await until(async () => sim.control.issue(REPO, issueNumber).state, (s) => s === "closed")).toBe("closed");
  });

  it("lets the newer of two out-of-order deliveries win (D10)", async () => {
    await sim.control.assign(REPO, issueNumber, ["ben-gh"]);
    await until(assigneeOf, (v) => v === ben.id);
    const issue = sim.control.issue(REPO, issueNumber);
    const stale = {
      action: "assigned",
      issue: { number: issueNumber, updated_at: "2020-01-01T00:00:00Z", assignees: [{ login: "ana-gh" }] },
      repository: { full_name: REPO },
      installation: { id: Number((await t.app.store.db.selectFrom("integrations").select("external_id").where("id", "=", integrationId).executeTakeFirstOrThrow()).external_id) },
    };
    await sim.control.deliver("issues", stale);
    await until(() => listSyncLog(t.app.store.db, group.id, integrationId), (log) => log[0]?.outcome === "skipped_older");
    expect(await assigneeOf()).toBe(ben.id);
    expect(issue.assignees).toEqual(["ben-gh"]);
  });

  it("answers a redelivery 204 without processing it twice", async () => {
    const delivered = sim.server.webhooks.deliveries.at(-1)!;
    const again = await fetch(delivered.url, { method: "POST", headers: delivered.headers, body: delivered.body });
    expect(again.status).toBe(204);
    const rows = await t.app.store.db.selectFrom("webhook_deliveries").select("delivery_id").where("delivery_id", "=", delivered.headers["x-github-delivery"]!).execute();
    expect(rows).toHaveLength(1);
  });
});
