import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { systemClock } from "../../src/platform/clock.js";
import { createPlatform, type Platform } from "../../src/platform/create-platform.js";
import type { QueueWorker } from "../../src/platform/queue/queue.js";
import { listActivity } from "../../src/store/activity.js";
import { listSyncLog } from "../../src/store/sync-log.js";
import { syncStatusInbound } from "../../src/sync/inbound/sync-status-inbound.js";
import type { InboundContext } from "../../src/sync/inbound/sync-group-assignee-inbound.js";
import { registerIssueSyncProvider, type OutboundTicket } from "../../src/sync/outbound/issue-sync-provider.js";
import { OUTBOUND_QUEUE, type OutboundJob } from "../../src/sync/outbound/outbound-queue.js";
import { runOutboundJob } from "../../src/sync/outbound/run-outbound-job.js";
import { setGroupStatus, type StatusContext } from "../../src/sync/status/set-group-status.js";
import { createGroup, createIntegration, createOrganization, createProject, linkGroup } from "../helpers/fixtures.js";
import { createTestStore, redisUrl, storeMode, uniquePrefix, type TestStore } from "../helpers/test-store.js";

const moves: Array<{ key: string; resolved: boolean }> = [];
registerIssueSyncProvider("status-tracker", async () => ({
  async assignTicket() {},
  async setTicketResolved(ticket: OutboundTicket, resolved: boolean) {
    moves.push({ key: ticket.key, resolved });
  },
}));

const BOTH = { sync_status_forward: true, sync_status_reverse: true };

describe(`status sync both ways (§4.4, §9.5; ${storeMode})`, () => {
  let t: TestStore;
  let platform: Platform;
  let worker: QueueWorker;
  let ctx: InboundContext & StatusContext;

  beforeAll(async () => {
    t = await createTestStore();
    platform = await createPlatform({ store: t.store, redisUrl, keyPrefix: uniquePrefix("status") });
    worker = platform.queue.process(OUTBOUND_QUEUE, (job) => runOutboundJob({ db: t.store.db, clock: systemClock }, job.payload as OutboundJob));
    ctx = { db: t.store.db, cache: platform.cache, clock: systemClock, lock: platform.lock, queue: platform.queue, outboundBackoffMs: 20 };
  });
  afterAll(async () => {
    await worker.stop();
    await platform.close();
    await t.destroy();
  });
  beforeEach(() => {
    moves.length = 0;
  });

  async function world(config: Record<string, unknown> = BOTH) {
    const db = t.store.db;
    const org = await createOrganization(db);
    const project = await createProject(db, org.id);
    const a = await createIntegration(db, org.id, { provider: "status-tracker", config });
    const b = await createIntegration(db, org.id, { provider: "status-tracker", config });
    const g = await createGroup(db, project.id);
    await linkGroup(db, g, org.id, a.id, `A-${g.id}`);
    await linkGroup(db, g, org.id, b.id, `B-${g.id}`);
    return { a, b, group: { id: g.id, projectId: project.id, organizationId: org.id } };
  }

  const statusOf = async (id: number) => (await t.store.db.selectFrom("groups").select(["status", "resolved_at"]).where("id", "=", id).executeTakeFirstOrThrow());

  async function until(ok: () => boolean, ms = 8000) {
    const end = Date.now() + ms;
    while (!ok() && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
  }

  it("resolves the linked group when the ticket is done, with activity, and moves the other ticket", async () => {
    const w = await world();
    expect(await syncStatusInbound(ctx, { integrationId: w.a.id, externalIssueKey: `A-${w.group.id}`, resolved: true, ordering: null })).toEqual([w.group.id]);
    const row = await statusOf(w.group.id);
    expect(row.status).toBe("resolved");
    expect(row.resolved_at).not.toBeNull();
    expect((await listActivity(t.store.db, w.group.id))[0]).toMatchObject({ type: "set_resolved", data: { integration: "status-tracker" } });
    await until(() => moves.length >= 1);
    await new Promise((r) => setTimeout(r, 150));
    expect(moves).toEqual([{ key: `B-${w.group.id}`, resolved: true }]);
  });

  it("unresolves the group when the ticket is reopened", async () => {
    const w = await world();
    await syncStatusInbound(ctx, { integrationId: w.a.id, externalIssueKey: `A-${w.group.id}`, resolved: true, ordering: 1 });
    await syncStatusInbound(ctx, { integrationId: w.a.id, externalIssueKey: `A-${w.group.id}`, resolved: false, ordering: 2 });
    expect((await statusOf(w.group.id)).status).toBe("unresolved");
    expect((await listActivity(t.store.db, w.group.id))[0]?.type).toBe("set_unresolved");
  });

  it("skips an older status change delivered late (D10)", async () => {
    const w = await world();
    await syncStatusInbound(ctx, { integrationId: w.a.id, externalIssueKey: `A-${w.group.id}`, resolved: true, ordering: 9 });
    await syncStatusInbound(ctx, { integrationId: w.a.id, externalIssueKey: `A-${w.group.id}`, resolved: false, ordering: 3 });
    expect((await statusOf(w.group.id)).status).toBe("resolved");
    expect((await listSyncLog(t.store.db, w.group.id, w.a.id))[0]?.outcome).toBe("skipped_older");
  });

  it("changes nothing without sync_status_reverse", async () => {
    const w = await world({ sync_status_forward: true });
    await syncStatusInbound(ctx, { integrationId: w.a.id, externalIssueKey: `A-${w.group.id}`, resolved: true, ordering: null });
    expect((await statusOf(w.group.id)).status).toBe("unresolved");
    expect((await listSyncLog(t.store.db, w.group.id, w.a.id))[0]?.outcome).toBe("sync_disabled");
  });

  it("moves every linked ticket when a person resolves the group, and nothing when it was already resolved", async () => {
    const w = await world();
    expect(await setGroupStatus(ctx, w.group, "resolved", { actingUserId: null })).toBe(true);
    await until(() => moves.length >= 2);
    expect(moves.map((m) => m.key).sort()).toEqual([`A-${w.group.id}`, `B-${w.group.id}`]);
    moves.length = 0;
    expect(await setGroupStatus(ctx, w.group, "resolved")).toBe(false);
    await new Promise((r) => setTimeout(r, 150));
    expect(moves).toEqual([]);
  });

  it("does not move tickets for an ignored group", async () => {
    const w = await world();
    await setGroupStatus(ctx, w.group, "ignored");
    await new Promise((r) => setTimeout(r, 200));
    expect(moves).toEqual([]);
    expect((await listActivity(t.store.db, w.group.id))[0]?.type).toBe("set_ignored");
  });
});
