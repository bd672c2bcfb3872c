import * as Sentry from "@sentry/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { seedIntakeProject } from "./intake-fixture.js";

class PaymentDeclined extends Error {
  override name = "PaymentDeclined";
}

function chargeCard(attempt: number): Error {
  return new PaymentDeclined(`card declined on attempt ${attempt}`);
}

function loadInventory(): Error {
  return new TypeError("inventory is undefined");
}

describe("the official @sentry/node SDK as a client", () => {
  let t: TestApp;
  let seed: Awaited<ReturnType<typeof seedIntakeProject>>;

  beforeAll(async () => {
    t = await startTestApp();
    seed = await seedIntakeProject(t);
    Sentry.init({ dsn: seed.dsn, defaultIntegrations: false, tracesSampleRate: 0, sendClientReports: true });
  });

  afterAll(async () => {
    await Sentry.close(2000);
    await t.close();
  });

  it("groups three captures of one error and one of another into two issues listed by the issues API", async () => {
    for (let attempt = 1; attempt <= 3; attempt++) Sentry.captureException(chargeCard(attempt));
    Sentry.captureException(loadInventory());
    expect(await Sentry.flush(5000)).toBe(true);

    const response = await fetch(`${t.url}/api/0/projects/${seed.org.slug}/${seed.project.slug}/issues/?query=`, {
      headers: { authorization: `Bearer ${seed.token}` },
    });
    expect(response.status).toBe(200);
    const issues = (await response.json()) as { title: string; count: string | number; shortId?: string; culprit: string }[];
    expect(issues).toHaveLength(2);
    // The SDK sends concurrently, so which attempt's message titles the group is not fixed.
    const declined = issues.find((i) => /^PaymentDeclined: card declined on attempt [123]$/.test(i.title));
    const typeError = issues.find((i) => i.title === "TypeError: inventory is undefined");
    expect(Number(declined?.count)).toBe(3);
    expect(Number(typeError?.count)).toBe(1);

    const groups = await t.app.store.db.selectFrom("groups").select(["times_seen", "short_id"]).where("project_id", "=", seed.project.id).orderBy("short_id").execute();
    expect(groups.map((g) => g.times_seen)).toEqual([3, 1]);
    expect(groups.map((g) => g.short_id)).toEqual([1, 2]);
  });
});
