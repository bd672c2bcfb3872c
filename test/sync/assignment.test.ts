import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { systemClock } from "../../src/platform/clock.js";
import { createPlatform, type Platform } from "../../src/platform/create-platform.js";
import { listActivity } from "../../src/store/activity.js";
import { findGroupAssignee } from "../../src/store/group-assignees.js";
import { listGroupSubscriptions } from "../../src/store/group-subscriptions.js";
import { assign } from "../../src/sync/assignment/assign.js";
import { deassign } from "../../src/sync/assignment/deassign.js";
import { assigneeExistsKey, invalidateAssigneeExistsCache, issueOwnersDebounceKey } from "../../src/sync/assignment/owner-caches.js";
import type { AssignmentContext, GroupRef, OutboundAssigneeSync } from "../../src/sync/assignment/types.js";
import { createGroup, createMember, createOrganization, createProject, createTeam } from "../helpers/fixtures.js";
import { createTestStore, redisUrl, storeMode, uniquePrefix, type TestStore } from "../helpers/test-store.js";

describe(`assignment (§6, ${storeMode})`, () => {
  let t: TestStore;
  let platform: Platform;
  let outboundCalls: Array<Parameters<OutboundAssigneeSync>[0]>;
  let ctx: AssignmentContext;
  let org: { id: number };
  let project: { id: number };

  beforeAll(async () => {
    t = await createTestStore();
    platform = await createPlatform({ store: t.store, redisUrl, keyPrefix: uniquePrefix("assign") });
    org = await createOrganization(t.store.db);
    project = await createProject(t.store.db, org.id);
  });
  afterAll(async () => {
    await platform.close();
    await t.destroy();
  });
  beforeEach(() => {
    outboundCalls = [];
    ctx = { db: t.store.db, cache: platform.cache, clock: systemClock, outbound: async (r) => void outboundCalls.push(r) };
  });

  async function newGroup(): Promise<GroupRef> {
    const g = await createGroup(t.store.db, project.id);
    return { id: g.id, projectId: project.id, organizationId: org.id };
  }

  const subscribers = async (groupId: number) =>
    (await listGroupSubscriptions(t.store.db, groupId)).map((s) => (s.user_id !== null ? `user:${s.user_id}` : `team:${s.team_id}`)).sort();

  it("assigns a user: the row, a subscription, ASSIGNED activity with Sentry's data, history and an outbound sync", async () => {
    const group = await newGroup();
    const ana = await createMember(t.store.db, org.id, { email: "ana@example.com" });
    expect(await assign(ctx, group, { type: "user", id: ana.id })).toEqual({ newAssignment: true, updatedAssignment: false });
    expect(await findGroupAssignee(t.store.db, group.id)).toMatchObject({ user_id: ana.id, team_id: null });
    expect(await subscribers(group.id)).toEqual([`user:${ana.id}`]);
    const [activity] = await listActivity(t.store.db, group.id);
    expect(activity).toMatchObject({ type: "assigned", data: { assignee: String(ana.id), assigneeEmail: "ana@example.com", assigneeType: "user" } });
    const history = await t.store.db.selectFrom("group_history").select("status").where("group_id", "=", group.id).execute();
    expect(history.map((h) => h.status)).toEqual(["assigned"]);
    expect(outboundCalls).toEqual([{ group, userId: ana.id, assign: true, source: null }]);
  });

  it("treats re-assigning the same user as a no-op: no activity, no sync", async () => {
    const group = await newGroup();
    const ana = await createMember(t.store.db, org.id);
    await assign(ctx, group, { type: "user", id: ana.id });
    outboundCalls = [];
    expect(await assign(ctx, group, { type: "user", id: ana.id })).toEqual({ newAssignment: false, updatedAssignment: false });
    expect(await listActivity(t.store.db, group.id)).toHaveLength(1);
    expect(outboundCalls).toEqual([]);
  });

  it("records a forced auto-assignment of the same user", async () => {
    const group = await newGroup();
    const ana = await createMember(t.store.db, org.id);
    await assign(ctx, group, { type: "user", id: ana.id });
    expect(await assign(ctx, group, { type: "user", id: ana.id }, { forceAutoassign: true })).toEqual({ newAssignment: false, updatedAssignment: true });
    expect(await listActivity(t.store.db, group.id)).toHaveLength(2);
  });

  it("re-points the row to another user and drops the previous user's subscription", async () => {
    const group = await newGroup();
    const ana = await createMember(t.store.db, org.id);
    const ben = await createMember(t.store.db, org.id);
    await assign(ctx, group, { type: "user", id: ana.id });
    expect(await assign(ctx, group, { type: "user", id: ben.id })).toEqual({ newAssignment: false, updatedAssignment: true });
    expect(await findGroupAssignee(t.store.db, group.id)).toMatchObject({ user_id: ben.id });
    expect(await subscribers(group.id)).toEqual([`user:${ben.id}`]);
  });

  it("leaves an existing assignee alone with create_only", async () => {
    const group = await newGroup();
    const ana = await createMember(t.store.db, org.id);
    const ben = await createMember(t.store.db, org.id);
    await assign(ctx, group, { type: "user", id: ana.id });
    expect(await assign(ctx, group, { type: "user", id: ben.id }, { createOnly: true })).toEqual({ newAssignment: false, updatedAssignment: false });
    expect(await findGroupAssignee(t.store.db, group.id)).toMatchObject({ user_id: ana.id });
  });

  it("never syncs a team assignment outbound and records no email for it (D17)", async () => {
    const group = await newGroup();
    const team = await createTeam(t.store.db, org.id);
    const member = await createMember(t.store.db, org.id, { teams: [team.id] });
    await assign(ctx, group, { type: "team", id: team.id });
    expect(outboundCalls).toEqual([]);
    const [activity] = await listActivity(t.store.db, group.id);
    expect(activity?.data).toEqual({ assignee: String(team.id), assigneeEmail: null, assigneeType: "team" });
    // Without team workflow notifications the team's members are subscribed one by one.
    expect(await subscribers(group.id)).toEqual([`user:${member.id}`]);
  });

  it("subscribes the team itself when the organization has team workflow notifications", async () => {
    const teamOrg = await createOrganization(t.store.db, undefined, { "team-workflow-notifications": true });
    const teamProject = await createProject(t.store.db, teamOrg.id);
    const g = await createGroup(t.store.db, teamProject.id);
    const group = { id: g.id, projectId: teamProject.id, organizationId: teamOrg.id };
    const team = await createTeam(t.store.db, teamOrg.id);
    await assign(ctx, group, { type: "team", id: team.id });
    expect(await subscribers(group.id)).toEqual([`team:${team.id}`]);
  });

  it("keeps the new assignee's subscription when a team hands over to one of its members", async () => {
    const group = await newGroup();
    const team = await createTeam(t.store.db, org.id);
    const ana = await createMember(t.store.db, org.id, { teams: [team.id] });
    const ben = await createMember(t.store.db, org.id, { teams: [team.id] });
    await assign(ctx, group, { type: "team", id: team.id });
    await assign(ctx, group, { type: "user", id: ana.id });
    expect(await subscribers(group.id)).toEqual([`user:${ana.id}`]);
    expect(await subscribers(group.id)).not.toContain(`user:${ben.id}`);
  });

  it("keeps a user's subscription when the group moves to a team the user belongs to", async () => {
    const group = await newGroup();
    const team = await createTeam(t.store.db, org.id);
    const ana = await createMember(t.store.db, org.id, { teams: [team.id] });
    await assign(ctx, group, { type: "user", id: ana.id });
    await assign(ctx, group, { type: "team", id: team.id });
    expect(await subscribers(group.id)).toContain(`user:${ana.id}`);
  });

  it("merges extra data into the activity", async () => {
    const group = await newGroup();
    const ana = await createMember(t.store.db, org.id);
    await assign(ctx, group, { type: "user", id: ana.id }, { extra: { integration: "github" }, source: { integrationId: 7, sourceName: "github" } });
    const [activity] = await listActivity(t.store.db, group.id);
    expect(activity?.data).toMatchObject({ integration: "github", assigneeType: "user" });
    expect(outboundCalls[0]?.source).toEqual({ integrationId: 7, sourceName: "github" });
  });

  it("does not sync outbound when the organization turned issue sync off (D16)", async () => {
    const offOrg = await createOrganization(t.store.db, undefined, { "integrations-issue-sync": false });
    const offProject = await createProject(t.store.db, offOrg.id);
    const g = await createGroup(t.store.db, offProject.id);
    const ana = await createMember(t.store.db, offOrg.id);
    const group = { id: g.id, projectId: offProject.id, organizationId: offOrg.id };
    await assign(ctx, group, { type: "user", id: ana.id });
    expect(await deassign(ctx, group)).toBe(true);
    expect(outboundCalls).toEqual([]);
  });

  it("deassigns: removes the row, records UNASSIGNED and history, clears both owner caches and syncs outbound", async () => {
    const group = await newGroup();
    const ana = await createMember(t.store.db, org.id);
    await assign(ctx, group, { type: "user", id: ana.id });
    await platform.cache.set(assigneeExistsKey(group.id), "1", 86400);
    await platform.cache.set(issueOwnersDebounceKey(group.id), "1", 86400);
    outboundCalls = [];
    expect(await deassign(ctx, group)).toBe(true);
    expect(await findGroupAssignee(t.store.db, group.id)).toBeUndefined();
    expect((await listActivity(t.store.db, group.id))[0]?.type).toBe("unassigned");
    expect(await subscribers(group.id)).toEqual([]);
    expect(await platform.cache.get(assigneeExistsKey(group.id))).toBeUndefined();
    expect(await platform.cache.get(issueOwnersDebounceKey(group.id))).toBeUndefined();
    expect(outboundCalls).toEqual([{ group, userId: null, assign: false, source: null }]);
  });

  it("syncs a team's deassignment outbound too", async () => {
    const group = await newGroup();
    const team = await createTeam(t.store.db, org.id);
    await assign(ctx, group, { type: "team", id: team.id });
    await deassign(ctx, group);
    expect(outboundCalls).toEqual([{ group, userId: null, assign: false, source: null }]);
  });

  it("does nothing when deassigning a group without assignee", async () => {
    const group = await newGroup();
    expect(await deassign(ctx, group)).toBe(false);
    expect(await listActivity(t.store.db, group.id)).toEqual([]);
    expect(outboundCalls).toEqual([]);
  });

  it("invalidates the project's recent groups only, when no group is named", async () => {
    const otherProject = await createProject(t.store.db, org.id);
    const recent = await createGroup(t.store.db, otherProject.id);
    const old = await createGroup(t.store.db, otherProject.id, { lastSeen: new Date(Date.now() - 3 * 86400_000).toISOString() });
    await platform.cache.set(assigneeExistsKey(recent.id), "1", 60);
    await platform.cache.set(assigneeExistsKey(old.id), "1", 60);
    await invalidateAssigneeExistsCache(ctx, otherProject.id);
    expect(await platform.cache.get(assigneeExistsKey(recent.id))).toBeUndefined();
    expect(await platform.cache.get(assigneeExistsKey(old.id))).toBe("1");
  });

  it("keeps exactly one assignee when two assignments race", async () => {
    const group = await newGroup();
    const ana = await createMember(t.store.db, org.id);
    const ben = await createMember(t.store.db, org.id);
    await Promise.all([assign(ctx, group, { type: "user", id: ana.id }), assign(ctx, group, { type: "user", id: ben.id })]);
    const rows = await t.store.db.selectFrom("group_assignees").selectAll().where("group_id", "=", group.id).execute();
    expect(rows).toHaveLength(1);
  });
});
