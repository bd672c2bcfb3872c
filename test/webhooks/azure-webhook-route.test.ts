import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseWorkItemUpdated } from "../../src/providers/azure-devops/webhook.js";
import { isoNow } from "../../src/platform/clock.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { storeMode } from "../helpers/test-store.js";

const SECRET = "hook-secret-for-azure";
const COLLECTION = "c0ffee00-0000-4000-8000-000000000001";

const workItemUpdated = (overrides: Record<string, unknown> = {}) => ({
  subscriptionId: "bea5b36f-976e-40e5-a7e4-6b72ceb1dff0",
  notificationId: 1,
  id: randomUUID(),
  eventType: "workitem.updated",
  resource: {
    workItemId: 13,
    rev: 2,
    fields: { "System.AssignedTo": { oldValue: "lauryn2 <lauryn2@sentry.io>", newValue: "lauryn <lauryn@sentry.io>" } },
  },
  resourceContainers: { collection: { id: COLLECTION }, project: { id: "p1" } },
  ...overrides,
});

describe(`POST /extensions/vsts/issue-updated/ (§4.1 with D8; ${storeMode})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ workers: true });
    const now = isoNow(t.app.clock);
    await t.app.store.db
      .insertInto("integrations")
      .values({
        provider: "vsts",
        external_id: COLLECTION,
        name: "acme",
        status: "active",
        metadata: JSON.stringify({ domain_name: "acme", subscription: { id: "s1", secret: t.app.vault.seal(SECRET) } }),
        date_added: now,
        date_updated: now,
      })
      .execute();
  });
  afterAll(async () => {
    await t.close();
  });

  const deliver = (body: string, headers: Record<string, string> = {}, method = "POST") =>
    fetch(`${t.url}/extensions/vsts/issue-updated/`, { method, headers: { "content-type": "application/json", ...headers }, body: method === "GET" ? undefined : body });
  const recorded = async () => t.app.store.db.selectFrom("webhook_deliveries").selectAll().where("provider", "=", "vsts").execute();

  it("answers 405 to other methods, naming POST", async () => {
    const response = await deliver("", {}, "GET");
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });

  it("answers 400 when eventType or the collection id is missing, or the body is not JSON", async () => {
    const { eventType: _e, ...noEvent } = workItemUpdated();
    expect((await deliver(JSON.stringify(noEvent), { "shared-secret": SECRET })).status).toBe(400);
    expect((await deliver(JSON.stringify(workItemUpdated({ resourceContainers: {} })), { "shared-secret": SECRET })).status).toBe(400);
    expect((await deliver("", { "shared-secret": SECRET })).status).toBe(400);
    expect((await deliver("{not json", { "shared-secret": SECRET })).status).toBe(400);
  });

  it("answers 200 and records nothing for other event types", async () => {
    const before = (await recorded()).length;
    expect((await deliver(JSON.stringify(workItemUpdated({ eventType: "workitem.created" })))).status).toBe(200);
    expect((await recorded()).length).toBe(before);
  });

  it("answers 400 with Sentry's detail when the collection has no active integration", async () => {
    const body = workItemUpdated({ resourceContainers: { collection: { id: "unknown" } } });
    const response = await deliver(JSON.stringify(body), { "shared-secret": SECRET });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ detail: "Integration does not exist." });
  });

  it("answers 401 and records nothing when Shared-Secret is missing or wrong", async () => {
    const before = (await recorded()).length;
    expect((await deliver(JSON.stringify(workItemUpdated()))).status).toBe(401);
    expect((await deliver(JSON.stringify(workItemUpdated()), { "shared-secret": "wrong" })).status).toBe(401);
    expect((await deliver(JSON.stringify(workItemUpdated()), { "shared-secret": SECRET + "x" })).status).toBe(401);
    expect((await recorded()).length).toBe(before);
  });

  it("records a verified delivery under Azure's notification id before the 200, processes it, and ignores a redelivery", async () => {
    const body = workItemUpdated();
    const first = await deliver(JSON.stringify(body), { "shared-secret": SECRET });
    expect(first.status).toBe(200);
    const rows = (await recorded()).filter((row) => row.delivery_id === body.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.verified_by).toBe("current");
    expect((await deliver(JSON.stringify(body), { "shared-secret": SECRET })).status).toBe(200);
    expect((await recorded()).filter((row) => row.delivery_id === body.id)).toHaveLength(1);
    await expect.poll(async () => (await recorded()).find((row) => row.delivery_id === body.id)?.state, { timeout: 5000 }).toBe("processed");
  });

  it("never answers 5xx and records nothing for fuzzed bodies and headers that do not carry the secret", async () => {
    const before = (await recorded()).length;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string(), fc.json(), fc.constant(JSON.stringify(workItemUpdated()))),
        fc.option(fc.string({ maxLength: 40 }).filter((s) => s !== SECRET && /^[\x21-\x7e]*$/.test(s) && s.length > 0), { nil: undefined }),
        async (body, secret) => {
          const response = await deliver(body, secret === undefined ? {} : { "shared-secret": secret });
          expect(response.status).toBeLessThan(500);
        },
      ),
      { numRuns: 60 },
    );
    expect((await recorded()).length).toBe(before);
  });
});

describe("parseWorkItemUpdated (§4.2-4.3 with D8, D10)", () => {
  const payload = (assignedTo: unknown, rev: unknown = 7) => ({ resource: { workItemId: 13, rev, fields: { "System.AssignedTo": assignedTo } } });

  it("assigns the email inside <…> with the revision as ordering", () => {
    expect(parseWorkItemUpdated(payload({ newValue: "lauryn <lauryn@sentry.io>" }), 5)).toEqual([
      { type: "assignee_changed", integrationId: 5, externalIssueKey: "13", email: "lauryn@sentry.io", assigned: true, ordering: 7 },
    ]);
  });

  it("treats an assignee without <email> as a no-op instead of failing (D8)", () => {
    expect(parseWorkItemUpdated(payload({ newValue: "Lauryn Brown" }), 5)).toEqual([]);
  });

  it("unassigns when only oldValue is present", () => {
    expect(parseWorkItemUpdated(payload({ oldValue: "lauryn <lauryn@sentry.io>" }, null), 5)).toEqual([
      { type: "assignee_changed", integrationId: 5, externalIssueKey: "13", email: null, assigned: false, ordering: null },
    ]);
  });

  it("emits nothing without a work item id, fields, or an assignee change", () => {
    expect(parseWorkItemUpdated({ resource: { fields: { "System.AssignedTo": { newValue: "a <a@b.c>" } } } }, 5)).toEqual([]);
    expect(parseWorkItemUpdated({ resource: { workItemId: 13 } }, 5)).toEqual([]);
    expect(parseWorkItemUpdated(payload(undefined), 5)).toEqual([]);
  });
});
