import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { systemClock } from "../../src/platform/clock.js";
import { createPlatform, type Platform } from "../../src/platform/create-platform.js";
import { assign } from "../../src/sync/assignment/assign.js";
import { findGroupAssignee } from "../../src/store/group-assignees.js";
import { listSyncLog } from "../../src/store/sync-log.js";
import { rememberWrittenValue } from "../../src/store/sync-last-written.js";
import { listUnresolvedIdentities } from "../../src/store/unresolved-identities.js";
import type { OutboundAssigneeSync } from "../../src/sync/assignment/types.js";
import { syncGroupAssigneeInbound, type InboundContext } from "../../src/sync/inbound/sync-group-assignee-inbound.js";
import { applyPendingIdentities } from "../../src/sync/external-actors/apply-pending-identities.js";
import { getOrCreateExternalActor } from "../../src/store/external-actors.js";
import {
  addProjectTeam,
  createGroup,
  createIntegration,
  createMember,
  createOrganization,
  createProject,
  createTeam,
  linkGroup,
} from "../helpers/fixtures.js";
import { createTestStore, redisUrl, storeMode, uniquePrefix, type TestStore } from "../helpers/test-store.js";

const SYNC_ON = { sync_reverse_assignment: true, sync_forward_assignment: true };

describe(`inbound assignee sync (§5.2, §5.3, D9, D10; ${storeMode})`, () => {
  let t: TestStore;
  let platform: Platform;
  let ctx: InboundContext;
  let outbound: Array<Parameters<OutboundAssigneeSync>[0]>;
  let keySeq = 0;

  beforeAll(async () => {
    t = await createTestStore();
    platform = await createPlatform({ store: t.store, redisUrl, keyPrefix: uniquePrefix("inbound") });
  });
  afterAll(async () => {
    await platform.close();
    await t.destroy();
  });
  beforeEach(() => {
    outbound = [];
    ctx = { db: t.store.db, cache: platform.cache, clock: systemClock, lock: platform.lock, outbound: async (r) => void outbound.push(r) };
  });

  /** An organization with a project a team can see, an integration, and one group linked to a ticket. */
  async function world(config: Record<string, unknown> = SYNC_ON, features: Record<string, boolean> = {}) {
    const db = t.store.db;
    const org = await createOrganization(db, undefined, features);
    const project = await createProject(db, org.id);
    const team = await createTeam(db, org.id);
    await addProjectTeam(db, project.id, team.id);
    const integration = await createIntegration(db, org.id, { provider: "vsts", config });
    const g = await createGroup(db, project.id);
    const key = `WI-${++keySeq}`;
    const link = await linkGroup(db, g, org.id, integration.id, key);
    const group = { id: g.id, projectId: project.id, organizationId: org.id };
    return { org, project, team, integration, group, key, link };
  }

  const assigneeOf = async (groupId: number) => (await findGroupAssignee(t.store.db, groupId))?.user_id ?? null;

  it("assigns the linked group to the member with that verified email, matched case-insensitively", async () => {
    const w = await world();
    const ana = await createMember(t.store.db, w.org.id, { email: "ana@example.com", teams: [w.team.id] });
    const result = await syncGroupAssigneeInbound(ctx, { integrationId: w.integration.id, externalIssueKey: w.key, identity: { email: "Ana@Example.COM" }, ordering: null });
    expect(result.assigned.map((g) => g.id)).toEqual([w.group.id]);
    expect(await assigneeOf(w.group.id)).toBe(ana.id);
    expect((await listSyncLog(t.store.db, w.group.id, w.integration.id))[0]).toMatchObject({ direction: "inbound", outcome: "applied" });
  });

  it("tags the assignment with its integration so outbound sync can skip the source", async () => {
    const w = await world();
    const ana = await createMember(t.store.db, w.org.id, { email: "tag@example.com", teams: [w.team.id] });
    await syncGroupAssigneeInbound(ctx, { integrationId: w.integration.id, externalIssueKey: w.key, identity: { email: "tag@example.com" }, ordering: null });
    expect(outbound).toEqual([{ group: w.group, userId: ana.id, assign: true, source: { integrationId: w.integration.id, sourceName: "vsts" } }]);
  });

  it("ignores unverified emails and keeps the previous assignee, queueing the identity for an admin", async () => {
    const w = await world();
    const ben = await createMember(t.store.db, w.org.id, { teams: [w.team.id] });
    await assign(ctx, w.group, { type: "user", id: ben.id });
    await createMember(t.store.db, w.org.id, { email: "unverified@example.com", verified: false, teams: [w.team.id] });
    await syncGroupAssigneeInbound(ctx, { integrationId: w.integration.id, externalIssueKey: w.key, identity: { email: "unverified@example.com" }, ordering: null });
    expect(await assigneeOf(w.group.id)).toBe(ben.id);
    expect((await listSyncLog(t.store.db, w.group.id, w.integration.id))[0]?.outcome).toBe("user_not_found");
    const pending = await listUnresolvedIdentities(t.store.db, w.org.id);
    expect(pending.map((p) => [p.kind, p.value, p.external_issue_key])).toEqual([["email", "unverified@example.com", w.key]]);
  });

  it("does not assign a user who cannot see the group's project through an active team", async () => {
    const w = await world();
    await createMember(t.store.db, w.org.id, { email: "outsider@example.com" });
    const result = await syncGroupAssigneeInbound(ctx, { integrationId: w.integration.id, externalIssueKey: w.key, identity: { email: "outsider@example.com" }, ordering: null });
    expect(result.assigned).toEqual([]);
    expect(await assigneeOf(w.group.id)).toBeNull();
  });

  it("chooses the oldest member of the organization when several users share the email (D9)", async () => {
    const w = await world();
    const newer = await createMember(t.store.db, w.org.id, { email: "shared@example.com", teams: [w.team.id], joined: "2025-06-01T00:00:00.000Z" });
    const older = await createMember(t.store.db, w.org.id, { email: "SHARED@example.com", teams: [w.team.id], joined: "2024-01-01T00:00:00.000Z" });
    expect(newer.id).toBeLessThan(older.id);
    await syncGroupAssigneeInbound(ctx, { integrationId: w.integration.id, externalIssueKey: w.key, identity: { email: "shared@example.com" }, ordering: null });
    expect(await assigneeOf(w.group.id)).toBe(older.id);
  });

  it("changes nothing and says why when the organization's integration does not sync inbound (§5.1)", async () => {
    const w = await world({ sync_reverse_assignment: false });
    await createMember(t.store.db, w.org.id, { email: "off@example.com", teams: [w.team.id] });
    await syncGroupAssigneeInbound(ctx, { integrationId: w.integration.id, externalIssueKey: w.key, identity: { email: "off@example.com" }, ordering: null });
    expect(await assigneeOf(w.group.id)).toBeNull();
    expect((await listSyncLog(t.store.db, w.group.id, w.integration.id))[0]?.outcome).toBe("sync_disabled");
  });

  it("changes nothing when the organization switched issue sync off (D16)", async () => {
    const w = await world(SYNC_ON, { "integrations-issue-sync": false });
    await createMember(t.store.db, w.org.id, { email: "flag@example.com", teams: [w.team.id] });
    await syncGroupAssigneeInbound(ctx, { integrationId: w.integration.id, externalIssueKey: w.key, identity: { email: "flag@example.com" }, ordering: null });
    expect(await assigneeOf(w.group.id)).toBeNull();
  });

  it("deassigns every linked group when the ticket is unassigned", async () => {
    const w = await world();
    const ana = await createMember(t.store.db, w.org.id, { teams: [w.team.id] });
    await assign(ctx, w.group, { type: "user", id: ana.id });
    const result = await syncGroupAssigneeInbound(ctx, { integrationId: w.integration.id, externalIssueKey: w.key, identity: null, ordering: null });
    expect(result.unassigned.map((g) => g.id)).toEqual([w.group.id]);
    expect(await assigneeOf(w.group.id)).toBeNull();
  });

  it("applies the ticket's assignee to every group linked to it (one policy, no tug of war)", async () => {
    const w = await world();
    const second = await createGroup(t.store.db, w.project.id);
    await linkGroup(t.store.db, second, w.org.id, w.integration.id, w.key);
    const ana = await createMember(t.store.db, w.org.id, { email: "both@example.com", teams: [w.team.id] });
    const result = await syncGroupAssigneeInbound(ctx, { integrationId: w.integration.id, externalIssueKey: w.key, identity: { email: "both@example.com" }, ordering: null });
    expect(result.assigned.map((g) => g.id).sort()).toEqual([w.group.id, second.id].sort());
    expect(await assigneeOf(second.id)).toBe(ana.id);
  });

  it("records and skips a change older than the last applied one for the ticket (D10)", async () => {
    const w = await world();
    const ana = await createMember(t.store.db, w.org.id, { email: "new@example.com", teams: [w.team.id] });
    await createMember(t.store.db, w.org.id, { email: "old@example.com", teams: [w.team.id] });
    await syncGroupAssigneeInbound(ctx, { integrationId: w.integration.id, externalIssueKey: w.key, identity: { email: "new@example.com" }, ordering: 7 });
    await syncGroupAssigneeInbound(ctx, { integrationId: w.integration.id, externalIssueKey: w.key, identity: { email: "old@example.com" }, ordering: 5 });
    expect(await assigneeOf(w.group.id)).toBe(ana.id);
    expect((await listSyncLog(t.store.db, w.group.id, w.integration.id))[0]?.outcome).toBe("skipped_older");
  });

  it("lets the newer of two concurrent out-of-order changes win", async () => {
    const w = await world();
    await createMember(t.store.db, w.org.id, { email: "a@example.com", teams: [w.team.id] });
    const b = await createMember(t.store.db, w.org.id, { email: "b@example.com", teams: [w.team.id] });
    await Promise.all([
      syncGroupAssigneeInbound(ctx, { integrationId: w.integration.id, externalIssueKey: w.key, identity: { email: "b@example.com" }, ordering: 20 }),
      syncGroupAssigneeInbound(ctx, { integrationId: w.integration.id, externalIssueKey: w.key, identity: { email: "a@example.com" }, ordering: 10 }),
    ]);
    expect(await assigneeOf(w.group.id)).toBe(b.id);
  });

  it("assigns through an external actor for a provider login (§5.3), case-insensitively", async () => {
    const w = await world();
    const ana = await createMember(t.store.db, w.org.id, { teams: [w.team.id] });
    await t.store.db
      .insertInto("external_actors")
      .values({ organization_id: w.org.id, integration_id: w.integration.id, provider: "vsts", external_name: "@Octocat", external_id: null, user_id: ana.id, team_id: null, date_added: new Date().toISOString() })
      .execute();
    await syncGroupAssigneeInbound(ctx, { integrationId: w.integration.id, externalIssueKey: w.key, identity: { externalActor: "@octocat" }, ordering: null });
    expect(await assigneeOf(w.group.id)).toBe(ana.id);
  });

  it("queues an unknown login and a hidden email as unresolved identities", async () => {
    const w = await world();
    await syncGroupAssigneeInbound(ctx, { integrationId: w.integration.id, externalIssueKey: w.key, identity: { externalActor: "@nobody" }, ordering: null });
    await syncGroupAssigneeInbound(ctx, { integrationId: w.integration.id, externalIssueKey: w.key, identity: { missingEmail: "Jane Doe" }, ordering: null });
    const pending = await listUnresolvedIdentities(t.store.db, w.org.id);
    expect(pending.map((p) => `${p.kind}:${p.value}`).sort()).toEqual(["external_actor:@nobody", "missing_email:Jane Doe"]);
  });

  it("recognises the provider's echo of our own write and changes nothing", async () => {
    const w = await world();
    const ana = await createMember(t.store.db, w.org.id, { email: "echo@example.com", teams: [w.team.id] });
    await assign(ctx, w.group, { type: "user", id: ana.id });
    await rememberWrittenValue(t.store.db, w.link.externalIssueId, "assignee", "echo@example.com", new Date().toISOString());
    outbound = [];
    await syncGroupAssigneeInbound(ctx, { integrationId: w.integration.id, externalIssueKey: w.key, identity: { email: "echo@example.com" }, ordering: null });
    expect(outbound).toEqual([]);
    expect((await listSyncLog(t.store.db, w.group.id, w.integration.id))[0]?.outcome).toBe("skipped_echo");
  });

  it("touches no group of an organization that did not install the integration", async () => {
    const w = await world();
    const otherOrg = await createOrganization(t.store.db);
    const otherProject = await createProject(t.store.db, otherOrg.id);
    const otherGroup = await createGroup(t.store.db, otherProject.id);
    await linkGroup(t.store.db, otherGroup, otherOrg.id, w.integration.id, w.key);
    await createMember(t.store.db, w.org.id, { email: "scope@example.com", teams: [w.team.id] });
    const result = await syncGroupAssigneeInbound(ctx, { integrationId: w.integration.id, externalIssueKey: w.key, identity: { email: "scope@example.com" }, ordering: null });
    expect(result.assigned.map((g) => g.id)).toEqual([w.group.id]);
    expect(await assigneeOf(otherGroup.id)).toBeNull();
  });
});

describe(`resolving a queued identity (${storeMode})`, () => {
  let t: TestStore;
  let platform: Platform;
  let ctx: InboundContext;
  beforeAll(async () => {
    t = await createTestStore();
    platform = await createPlatform({ store: t.store, redisUrl, keyPrefix: uniquePrefix("pending") });
    ctx = { db: t.store.db, cache: platform.cache, clock: systemClock, lock: platform.lock };
  });
  afterAll(async () => {
    await platform.close();
    await t.destroy();
  });

  it("applies the waiting change once an admin maps the hidden name to a member", async () => {
    const db = t.store.db;
    const org = await createOrganization(db);
    const project = await createProject(db, org.id);
    const team = await createTeam(db, org.id);
    await addProjectTeam(db, project.id, team.id);
    const integration = await createIntegration(db, org.id, { provider: "jira_server", config: SYNC_ON });
    const g = await createGroup(db, project.id);
    await linkGroup(db, g, org.id, integration.id, "PROJ-1");
    const jane = await createMember(db, org.id, { teams: [team.id] });
    await syncGroupAssigneeInbound(ctx, { integrationId: integration.id, externalIssueKey: "PROJ-1", identity: { missingEmail: "Jane Doe" }, ordering: null });
    expect(await findGroupAssignee(db, g.id)).toBeUndefined();

    await getOrCreateExternalActor(
      db,
      { organizationId: org.id, integrationId: integration.id, provider: "jira_server", externalName: "Jane Doe", externalId: null, userId: jane.id, teamId: null },
      new Date().toISOString(),
    );
    expect(await applyPendingIdentities(ctx, org.id, integration.id, "jane doe")).toBe(1);
    expect((await findGroupAssignee(db, g.id))?.user_id).toBe(jane.id);
    expect(await listUnresolvedIdentities(db, org.id)).toEqual([]);
  });
});
