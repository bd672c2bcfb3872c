import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { systemClock } from "../../src/platform/clock.js";
import { createPlatform, type Platform } from "../../src/platform/create-platform.js";
import type { QueueWorker } from "../../src/platform/queue/queue.js";
import { listSyncLog } from "../../src/store/sync-log.js";
import { lastWrittenValue } from "../../src/store/sync-last-written.js";
import { assign } from "../../src/sync/assignment/assign.js";
import { deassign } from "../../src/sync/assignment/deassign.js";
import { registerIssueSyncProvider, type OutboundAssignee, type OutboundTicket } from "../../src/sync/outbound/issue-sync-provider.js";
import { createOutboundAssigneeSync, OUTBOUND_QUEUE, type OutboundJob } from "../../src/sync/outbound/outbound-queue.js";
import { runOutboundJob } from "../../src/sync/outbound/run-outbound-job.js";
import { syncGroupAssigneeInbound, type InboundContext } from "../../src/sync/inbound/sync-group-assignee-inbound.js";
import { addProjectTeam, createGroup, createIntegration, createMember, createOrganization, createProject, createTeam, linkGroup } from "../helpers/fixtures.js";
import { createTestStore, redisUrl, storeMode, uniquePrefix, type TestStore } from "../helpers/test-store.js";

// A recording tracker behind the sync port: the provider clients themselves are tested against simulators.
const calls: Array<{ key: string; assignee: OutboundAssignee | null }> = [];
let failuresLeft = 0;
registerIssueSyncProvider("recording-tracker", async () => ({
  async assignTicket(ticket: OutboundTicket, assignee: OutboundAssignee | null) {
    if (failuresLeft > 0) {
      failuresLeft--;
      throw new Error("HTTP 503 (unavailable): try later");
    }
    calls.push({ key: ticket.key, assignee });
  },
  async setTicketResolved() {},
}));

const SYNC_BOTH_WAYS = { sync_forward_assignment: true, sync_reverse_assignment: true };

describe(`outbound assignee sync (§5.4, D17; ${storeMode})`, () => {
  let t: TestStore;
  let platform: Platform;
  let worker: QueueWorker;
  let ctx: InboundContext;

  beforeAll(async () => {
    t = await createTestStore();
    platform = await createPlatform({ store: t.store, redisUrl, keyPrefix: uniquePrefix("outbound") });
    worker = platform.queue.process(OUTBOUND_QUEUE, (job) => runOutboundJob({ db: t.store.db, clock: systemClock }, job.payload as OutboundJob), { concurrency: 2 });
    ctx = { db: t.store.db, cache: platform.cache, clock: systemClock, lock: platform.lock, outbound: createOutboundAssigneeSync(t.store.db, platform.queue, 20) };
  });
  afterAll(async () => {
    await worker.stop();
    await platform.close();
    await t.destroy();
  });
  beforeEach(() => {
    calls.length = 0;
    failuresLeft = 0;
  });

  async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 8000): Promise<T> {
    const end = Date.now() + ms;
    let value = await probe();
    while (!ok(value) && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 25));
      value = await probe();
    }
    return value;
  }

  async function world(config: Record<string, unknown> = SYNC_BOTH_WAYS) {
    const db = t.store.db;
    const org = await createOrganization(db);
    const project = await createProject(db, org.id);
    const team = await createTeam(db, org.id);
    await addProjectTeam(db, project.id, team.id);
    const a = await createIntegration(db, org.id, { provider: "recording-tracker", config });
    const b = await createIntegration(db, org.id, { provider: "recording-tracker", config });
    const g = await createGroup(db, project.id);
    const linkA = await linkGroup(db, g, org.id, a.id, `A-${g.id}`);
    const linkB = await linkGroup(db, g, org.id, b.id, `B-${g.id}`);
    return { org, team, a, b, linkA, linkB, group: { id: g.id, projectId: project.id, organizationId: org.id } };
  }

  it("asks every linked ticket to follow a user assignment, by the user's email, and remembers what it wrote", async () => {
    const w = await world();
    const ana = await createMember(t.store.db, w.org.id, { username: "ana", email: "ana@example.com", teams: [w.team.id] });
    await assign(ctx, w.group, { type: "user", id: ana.id });
    await until(async () => calls.length, (n) => n >= 2);
    expect(calls.map((c) => c.key).sort()).toEqual([`A-${w.group.id}`, `B-${w.group.id}`]);
    expect(calls[0]?.assignee).toEqual({ email: "ana@example.com", name: "ana", externalNames: [] });
    expect(await until(() => lastWrittenValue(t.store.db, w.linkA.externalIssueId, "assignee"), (v) => v !== undefined)).toBe("ana@example.com");
    expect((await listSyncLog(t.store.db, w.group.id, w.a.id))[0]).toMatchObject({ direction: "outbound", outcome: "applied" });
  });

  it("never sends a change back to the integration it came from", async () => {
    const w = await world();
    await createMember(t.store.db, w.org.id, { email: "inbound@example.com", teams: [w.team.id] });
    await syncGroupAssigneeInbound(ctx, { integrationId: w.a.id, externalIssueKey: `A-${w.group.id}`, identity: { email: "inbound@example.com" }, ordering: null });
    await until(async () => calls.length, (n) => n >= 1);
    await until(() => listSyncLog(t.store.db, w.group.id, w.a.id), (log) => log.some((l) => l.direction === "outbound"));
    expect(calls.map((c) => c.key)).toEqual([`B-${w.group.id}`]);
    const aLog = await listSyncLog(t.store.db, w.group.id, w.a.id);
    expect(aLog.find((l) => l.direction === "outbound")?.outcome).toBe("skipped_echo");
  });

  it("logs the skipped echo of an inbound change at once and queues nothing when the group links only the source ticket", async () => {
    const w = await world();
    const db = t.store.db;
    await createMember(db, w.org.id, { email: "only-source@example.com", teams: [w.team.id] });
    const g = await createGroup(db, w.group.projectId);
    await linkGroup(db, g, w.org.id, w.a.id, `A-only-${g.id}`);
    const queued = async () => Object.values(await platform.queue.counts(OUTBOUND_QUEUE)).reduce((n, c) => n + c, 0);
    const before = await queued();
    await syncGroupAssigneeInbound(ctx, { integrationId: w.a.id, externalIssueKey: `A-only-${g.id}`, identity: { email: "only-source@example.com" }, ordering: null });
    const log = await listSyncLog(db, g.id, w.a.id);
    expect(log.find((l) => l.direction === "outbound")).toMatchObject({ outcome: "skipped_echo", field: "assignee" });
    expect(log.find((l) => l.direction === "inbound")).toMatchObject({ outcome: "applied" });
    expect(await queued()).toBe(before);
  });

  it("unassigns the tickets on deassignment", async () => {
    const w = await world();
    const ana = await createMember(t.store.db, w.org.id, { teams: [w.team.id] });
    await assign(ctx, w.group, { type: "user", id: ana.id });
    await until(async () => calls.length, (n) => n >= 2);
    calls.length = 0;
    await deassign(ctx, w.group);
    await until(async () => calls.length, (n) => n >= 2);
    expect(calls.every((c) => c.assignee === null)).toBe(true);
  });

  it("does not sync team assignments (D17)", async () => {
    const w = await world();
    await assign(ctx, w.group, { type: "team", id: w.team.id });
    await new Promise((r) => setTimeout(r, 300));
    expect(calls).toEqual([]);
  });

  it("logs and skips when the organization's integration does not sync outbound", async () => {
    const w = await world({ sync_forward_assignment: false });
    const ana = await createMember(t.store.db, w.org.id, { teams: [w.team.id] });
    await assign(ctx, w.group, { type: "user", id: ana.id });
    const log = await until(() => listSyncLog(t.store.db, w.group.id, w.a.id), (l) => l.length > 0);
    expect(log[0]?.outcome).toBe("sync_disabled");
    expect(calls).toEqual([]);
  });

  it("retries a failing provider call with back-off and logs each failure", async () => {
    const w = await world();
    const ana = await createMember(t.store.db, w.org.id, { teams: [w.team.id] });
    failuresLeft = 2;
    await assign(ctx, w.group, { type: "user", id: ana.id });
    await until(async () => calls.length, (n) => n >= 2);
    const logs = [...(await listSyncLog(t.store.db, w.group.id, w.a.id)), ...(await listSyncLog(t.store.db, w.group.id, w.b.id))];
    expect(logs.filter((l) => l.outcome === "provider_error")).toHaveLength(2);
    expect(logs.filter((l) => l.outcome === "applied")).toHaveLength(2);
  });
});
