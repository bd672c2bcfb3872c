import fc from "fast-check";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isoNow } from "../../src/platform/clock.js";
import { parseIssueUpdated } from "../../src/providers/jira-server/webhook.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { storeMode } from "../helpers/test-store.js";

const SECRET = "jira-webhook-secret";
const EXTERNAL_ID = "jira.example.com:consumer";

const token = (claims: Record<string, unknown>, secret = SECRET) =>
  new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(new TextEncoder().encode(secret));

let changeCounter = 0;
const issueUpdated = (assignee: Record<string, unknown> | null = { emailAddress: "lauryn@example.com", displayName: "Lauryn" }) => ({
  timestamp: 1_700_000_000_000 + ++changeCounter,
  webhookEvent: "jira:issue_updated",
  changelog: { id: String(10_000 + changeCounter), items: [{ field: "assignee", from: null, to: "lauryn" }] },
  issue: { key: "APP-123", fields: { assignee } },
});

describe(`POST /extensions/jira-server/issue-updated/{token}/ (§9.3; ${storeMode})`, () => {
  let t: TestApp;
  let good: string;
  beforeAll(async () => {
    t = await startTestApp({ workers: true });
    const now = isoNow(t.app.clock);
    await t.app.store.db
      .insertInto("integrations")
      .values({ provider: "jira_server", external_id: EXTERNAL_ID, name: "jira", status: "active", metadata: JSON.stringify({ webhook_secret: t.app.vault.seal(SECRET) }), date_added: now, date_updated: now })
      .execute();
    good = await token({ id: EXTERNAL_ID });
  });
  afterAll(async () => {
    await t.close();
  });

  const deliver = (path: string, body: string, method = "POST") =>
    fetch(`${t.url}/extensions/jira-server/issue-updated/${path}/`, { method, headers: { "content-type": "application/json" }, body: method === "GET" ? undefined : body });
  const recorded = async () => t.app.store.db.selectFrom("webhook_deliveries").selectAll().where("provider", "=", "jira_server").execute();

  it("answers 405 to other methods, naming POST", async () => {
    const response = await deliver(good, "", "GET");
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });

  it("answers 400 to a blank, undecodable, id-less, unknown or wrongly signed token, recording nothing", async () => {
    const body = JSON.stringify(issueUpdated());
    const bad = [
      "%20",
      "not-a-jwt",
      await token({ sub: "x" }),
      await token({ id: "someone-else" }),
      await token({ id: EXTERNAL_ID }, "wrong-secret"),
      await new SignJWT({ id: EXTERNAL_ID }).setProtectedHeader({ alg: "HS512" }).sign(new TextEncoder().encode(SECRET)),
    ];
    for (const path of bad) expect((await deliver(path, body)).status, path).toBe(400);
    for (const path of ["%zz", "%E0%A4%A", "a%2Fb"]) expect((await deliver(path, body)).status, path).toBeLessThan(500);
    expect(await recorded()).toHaveLength(0);
  });

  it("answers 200 and records nothing when the body has no changelog", async () => {
    const { changelog: _c, ...noChangelog } = issueUpdated();
    expect((await deliver(good, JSON.stringify(noChangelog))).status).toBe(200);
    expect(await recorded()).toHaveLength(0);
  });

  it("records a verified change before the 200, processes it once, and answers a redelivery without recording it again", async () => {
    const body = JSON.stringify(issueUpdated());
    expect((await deliver(good, body)).status).toBe(200);
    expect((await deliver(good, body)).status).toBe(200);
    const rows = await recorded();
    expect(rows).toHaveLength(1);
    await expect.poll(async () => (await recorded())[0]?.state, { timeout: 5000 }).toBe("processed");
  });

  it("never answers 5xx to fuzzed tokens and bodies, and records nothing unverified", async () => {
    const before = (await recorded()).length;
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[A-Za-z0-9._-]{1,80}$/), fc.oneof(fc.string(), fc.json()), async (path, body) => {
        expect((await deliver(path, body)).status).toBeLessThan(500);
      }),
      { numRuns: 60 },
    );
    expect((await recorded()).length).toBe(before);
  });
});

describe("parseIssueUpdated (§9.4, D10)", () => {
  it("assigns the current assignee's email, ordered by the delivery timestamp", () => {
    const data = issueUpdated();
    expect(parseIssueUpdated(data, 3)).toEqual([
      { type: "assignee_changed", integrationId: 3, externalIssueKey: "APP-123", email: "lauryn@example.com", displayName: "Lauryn", assigned: true, ordering: data.timestamp },
    ]);
  });

  it("unassigns when the issue has no assignee any more", () => {
    expect(parseIssueUpdated(issueUpdated(null), 3)[0]).toMatchObject({ email: null, assigned: false });
  });

  it("emits nothing when no changelog item touches the assignee", () => {
    const data = { ...issueUpdated(), changelog: { id: "1", items: [{ field: "summary" }] } };
    expect(parseIssueUpdated(data, 3)).toEqual([]);
  });
});
