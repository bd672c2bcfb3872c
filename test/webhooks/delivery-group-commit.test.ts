import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeliveryGroupCommit } from "../../src/store/delivery-group-commit.js";
import { recordDelivery, type NewDelivery } from "../../src/store/webhook-deliveries.js";
import { createTestStore, storeMode, type TestStore } from "../helpers/test-store.js";

const delivery = (deliveryId: string, provider = "github"): NewDelivery => ({
  provider,
  deliveryId,
  event: "issues",
  verifiedBy: "current",
  headers: { "x-github-delivery": deliveryId },
  body: JSON.stringify({ deliveryId }),
  receivedAt: new Date().toISOString(),
});

describe(`inbox group commit (issue 6; ${storeMode})`, () => {
  let ts: TestStore;
  beforeAll(async () => {
    ts = await createTestStore();
  });
  afterAll(async () => {
    await ts.destroy();
  });

  it("answers each of many concurrent recordings whether ITS delivery was new, and stores every delivery once", async () => {
    // 300 distinct deliveries, each sent three times at once (GitHub redelivers; proxies retry).
    const ids = Array.from({ length: 300 }, (_, i) => `burst-${i}`);
    const calls = [...ids, ...ids, ...ids].sort(() => Math.random() - 0.5);
    const answers = await Promise.all(calls.map((id) => recordDelivery(ts.store.db, delivery(id)).then((rowId) => ({ id, rowId }))));
    const fresh = answers.filter((a) => a.rowId !== undefined);
    expect(fresh).toHaveLength(300);
    expect(new Set(fresh.map((a) => a.id)).size).toBe(300);
    const rows = await ts.store.db.selectFrom("webhook_deliveries").select(["id", "delivery_id"]).where("delivery_id", "like", "burst-%").execute();
    expect(rows).toHaveLength(300);
    // The id a caller was given is the row of its own delivery.
    const rowOf = new Map(rows.map((r) => [r.delivery_id, r.id]));
    for (const a of fresh) expect(a.rowId).toBe(rowOf.get(a.id));
  });

  it("treats the same delivery id from two providers as two deliveries", async () => {
    const [a, b] = await Promise.all([recordDelivery(ts.store.db, delivery("shared-id", "github")), recordDelivery(ts.store.db, delivery("shared-id", "vsts"))]);
    expect(a).toBeDefined();
    expect(b).toBeDefined();
    expect(a).not.toBe(b);
  });

  it("answers a delivery seen before as a duplicate", async () => {
    expect(await recordDelivery(ts.store.db, delivery("again"))).toBeDefined();
    expect(await recordDelivery(ts.store.db, delivery("again"))).toBeUndefined();
  });

  it("batches a burst into few statements, never more rows than the batch size in one", async () => {
    const committer = new DeliveryGroupCommit(ts.store.db, { maxRows: 16, maxInFlight: 2 });
    let statements = 0;
    const insert = (committer as unknown as { insert: (rows: unknown[]) => Promise<unknown[]> }).insert.bind(committer);
    (committer as unknown as { insert: (rows: unknown[]) => Promise<unknown[]> }).insert = (rows) => {
      statements++;
      expect(rows.length).toBeLessThanOrEqual(16);
      return insert(rows);
    };
    const results = await Promise.all(Array.from({ length: 160 }, (_, i) => committer.record({ ...row(`batched-${i}`) })));
    expect(results.every((id) => typeof id === "number")).toBe(true);
    expect(statements).toBeLessThanOrEqual(12);
    expect(statements).toBeGreaterThanOrEqual(10);
  });

  it("fails only the bad row of a batch, not its neighbours", async () => {
    const committer = new DeliveryGroupCommit(ts.store.db);
    const bad = { ...row("bad-one"), event: null as unknown as string };
    const outcomes = await Promise.allSettled([committer.record(row("good-1")), committer.record(bad), committer.record(row("good-2"))]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(await ts.store.db.selectFrom("webhook_deliveries").select("id").where("delivery_id", "in", ["good-1", "good-2", "bad-one"]).execute()).toHaveLength(2);
  });
});

function row(deliveryId: string) {
  const d = delivery(deliveryId);
  return {
    provider: d.provider,
    delivery_id: d.deliveryId,
    event: d.event,
    verified_by: d.verifiedBy,
    headers: JSON.stringify(d.headers),
    body: d.body,
    state: "received",
    attempts: 0,
    last_error: null,
    received_at: d.receivedAt,
    processed_at: null,
    integration_id: null,
  };
}
