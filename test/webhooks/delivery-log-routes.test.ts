import { createHmac, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, organizationWithToken } from "../helpers/api-client.js";
import { createIntegration } from "../helpers/fixtures.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { storeMode } from "../helpers/test-store.js";

const SECRET = "delivery-log-secret";
const sign = (body: string, secret = SECRET) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
const until = async <T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 8000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe(`webhook delivery log API (issue 6; ${storeMode})`, () => {
  let t: TestApp;
  let acme: { id: number; slug: string; token: string };
  let other: { id: number; slug: string; token: string };
  let api: ReturnType<typeof apiClient>;
  let otherApi: ReturnType<typeof apiClient>;

  const deliver = (installationId: number, options: { secret?: string; action?: string; id?: string } = {}) => {
    const body = JSON.stringify({ action: options.action ?? "opened", issue: { number: 1 }, repository: { full_name: "acme/web" }, installation: { id: installationId } });
    return fetch(`${t.url}/extensions/github/webhook/`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-github-event": "issues", "x-github-delivery": options.id ?? randomUUID(), "x-hub-signature-256": sign(body, options.secret), "user-agent": "GitHub-Hookshot/abc" },
      body,
    });
  };
  const list = async (query = "") => (await api("GET", `/api/0/organizations/${acme.slug}/webhook-deliveries/${query}`)).body as Array<Record<string, unknown>>;

  beforeAll(async () => {
    t = await startTestApp({ workers: true, env: { GITHUB_WEBHOOK_SECRET: SECRET } });
    acme = await organizationWithToken(t.app, "acme-log");
    other = await organizationWithToken(t.app, "other-log");
    await createIntegration(t.app.store.db, acme.id, { provider: "github", externalId: "4242" });
    await createIntegration(t.app.store.db, other.id, { provider: "github", externalId: "5151" });
    api = apiClient(t.url, acme.token);
    otherApi = apiClient(t.url, other.token);
    for (let i = 0; i < 3; i++) expect((await deliver(4242)).status).toBe(204);
    expect((await deliver(5151)).status).toBe(204);
    await until(() => list("?state=processed"), (items) => items.length === 3);
  });
  afterAll(async () => {
    await t.close();
  });

  it("lists an organization's own deliveries, newest first, with the secret that verified each", async () => {
    const items = await list();
    expect(items).toHaveLength(3);
    for (const item of items) {
      expect(item).toMatchObject({ provider: "github", event: "issues", state: "processed", verifiedBy: "current", attempts: 1, lastError: null, rejection: null });
      expect(typeof item.deliveryId).toBe("string");
    }
    const times = items.map((i) => String(i.receivedAt));
    expect([...times].sort().reverse()).toEqual(times);
    expect(((await otherApi("GET", `/api/0/organizations/${other.slug}/webhook-deliveries/`)).body as unknown[]).length).toBe(1);
  });

  it("answers 404 for another organization's slug and 401 without a token", async () => {
    expect((await api("GET", `/api/0/organizations/${other.slug}/webhook-deliveries/`)).status).toBe(404);
    expect((await api("GET", `/api/0/organizations/${acme.slug}/webhook-deliveries/`, undefined, null)).status).toBe(401);
  });

  it("pages with a cursor: every delivery once, none repeated", async () => {
    const first = await api("GET", `/api/0/organizations/${acme.slug}/webhook-deliveries/?state=processed&limit=2`);
    expect(first.body).toHaveLength(2);
    const cursor = /cursor="([^"]+)"/.exec(first.headers.get("link") ?? "")?.[1];
    expect(cursor).toBeDefined();
    const second = await api("GET", `/api/0/organizations/${acme.slug}/webhook-deliveries/?state=processed&limit=2&cursor=${cursor}`);
    expect(second.body).toHaveLength(1);
    expect(second.headers.get("link")).toBeNull();
    const ids = [...first.body, ...second.body].map((i: { id: string }) => i.id);
    expect(new Set(ids).size).toBe(3);
  });

  it("refuses an unknown state, provider or cursor with 400 and a stable code", async () => {
    for (const query of ["?state=lost", "?provider=gitlab", "?cursor=bm90LWpzb24", "?limit=0"]) {
      const response = await api("GET", `/api/0/organizations/${acme.slug}/webhook-deliveries/${query}`);
      expect(response.status, query).toBe(400);
      expect(response.headers.get("x-error-code"), query).toMatch(/^(invalid_input|invalid_cursor)$/);
    }
  });

  it("shows why a refused request failed verification, without its body or any secret, and keeps it out of the inbox", async () => {
    const rowsBefore = await t.app.store.db.selectFrom("webhook_deliveries").select("id").execute();
    expect((await deliver(4242, { secret: "an-attacker-guess" })).status).toBe(401);
    const rejected = await until(() => list("?state=rejected"), (items) => items.length === 1);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ state: "rejected", event: "issues", verifiedBy: null, lastError: "webhook_signature_mismatch", rejection: { reason: "webhook_signature_mismatch", secretTried: "current" } });
    const detail = await api("GET", `/api/0/organizations/${acme.slug}/webhook-deliveries/${String(rejected[0]?.id)}/`);
    expect(detail.status).toBe(200);
    expect(detail.body.body).toBeNull();
    expect(detail.body.headers["user-agent"]).toBe("GitHub-Hookshot/abc");
    expect(Object.keys(detail.body.headers)).not.toContain("x-hub-signature-256");
    expect(JSON.stringify(detail.body)).not.toContain(SECRET);
    expect(await t.app.store.db.selectFrom("webhook_deliveries").select("id").execute()).toHaveLength(rowsBefore.length);
    // The unfiltered list merges both kinds, newest first.
    expect((await list())[0]?.state).toBe("rejected");
    expect(((await otherApi("GET", `/api/0/organizations/${other.slug}/webhook-deliveries/?state=rejected`)).body as unknown[]).length).toBe(0);
  });

  it("attributes an Azure DevOps request with a wrong Shared-Secret to its integration, naming the secret tried", async () => {
    await createIntegration(t.app.store.db, acme.id, { provider: "vsts", externalId: "azure-collection-1", metadata: { subscription: { id: "s1", secret: t.app.vault.seal("azure-hook-secret") } } });
    const body = JSON.stringify({ id: randomUUID(), eventType: "workitem.updated", resource: { workItemId: 1 }, resourceContainers: { collection: { id: "azure-collection-1" } } });
    const response = await fetch(`${t.url}/extensions/vsts/issue-updated/`, { method: "POST", headers: { "content-type": "application/json", "shared-secret": "a-wrong-guess" }, body });
    expect(response.status).toBe(401);
    const rejected = await until(() => list("?state=rejected&provider=vsts"), (items) => items.length === 1);
    expect(rejected[0]).toMatchObject({ provider: "vsts", state: "rejected", rejection: { reason: "webhook_secret_mismatch", secretTried: "subscription" } });
    expect(JSON.stringify(rejected)).not.toContain("azure-hook-secret");
    expect(JSON.stringify(rejected)).not.toContain("a-wrong-guess");
  });

  it("gives the detail of a delivery: the headers that matter, the payload and each attempt", async () => {
    const [item] = await list("?state=processed&limit=1");
    const detail = await api("GET", `/api/0/organizations/${acme.slug}/webhook-deliveries/${String(item?.id)}/`);
    expect(detail.status).toBe(200);
    expect(detail.body.headers).toMatchObject({ "x-github-event": "issues", "user-agent": "GitHub-Hookshot/abc" });
    expect(JSON.parse(detail.body.body as string).installation.id).toBe(4242);
    expect(detail.body.attemptsLog).toEqual([{ outcome: "processed", error: null, finishedAt: expect.any(String) }]);
    expect((await otherApi("GET", `/api/0/organizations/${other.slug}/webhook-deliveries/${String(item?.id)}/`)).status).toBe(404);
    expect((await api("GET", `/api/0/organizations/${acme.slug}/webhook-deliveries/nope/`)).status).toBe(404);
  });

  it("replays a processed delivery: back to received, then processed again with a second attempt logged", async () => {
    const [item] = await list("?state=processed&limit=1");
    const replay = await api("POST", `/api/0/webhook-deliveries/${String(item?.id)}/replay/`);
    expect(replay.status).toBe(202);
    expect(replay.body.id).toBe(item?.id);
    const detail = await until(
      async () => (await api("GET", `/api/0/organizations/${acme.slug}/webhook-deliveries/${String(item?.id)}/`)).body,
      (d) => d.attemptsLog.length === 2,
    );
    expect(detail.state).toBe("processed");
    expect(detail.attempts).toBe(2);
    expect(detail.attemptsLog.map((a: { outcome: string }) => a.outcome)).toEqual(["processed", "processed"]);
  });

  it("answers 404 to a replay with another organization's token, an unknown id or a rejected request", async () => {
    const [item] = await list("?state=processed&limit=1");
    expect((await otherApi("POST", `/api/0/webhook-deliveries/${String(item?.id)}/replay/`)).status).toBe(404);
    expect((await api("POST", `/api/0/webhook-deliveries/999999999/replay/`)).status).toBe(404);
    const [rejected] = await list("?state=rejected");
    expect((await api("POST", `/api/0/webhook-deliveries/${String(rejected?.id)}/replay/`)).status).toBe(404);
    expect((await api("POST", `/api/0/webhook-deliveries/${String(item?.id)}/replay/`, undefined, null)).status).toBe(401);
  });

  it("counts deliveries per minute by provider and outcome, every minute present", async () => {
    const stats = await api("GET", `/api/0/organizations/${acme.slug}/webhook-deliveries/stats/?minutes=5`);
    expect(stats.status).toBe(200);
    expect(stats.body.buckets).toHaveLength(5);
    const counts = (stats.body.buckets as Array<{ counts: Array<{ provider: string; outcome: string; count: number }> }>).flatMap((b) => b.counts);
    const total = (outcome: string) => counts.filter((c) => c.provider === "github" && c.outcome === outcome).reduce((s, c) => s + c.count, 0);
    expect(total("processed")).toBe(3);
    expect(total("rejected")).toBe(1);
    expect((await api("GET", `/api/0/organizations/${acme.slug}/webhook-deliveries/stats/?minutes=0`)).status).toBe(400);
  });

  it("describes every delivery-log route in the OpenAPI document", async () => {
    const doc = (await api("GET", "/api/0/openapi.json")).body as { paths: Record<string, Record<string, unknown>> };
    expect(doc.paths["/api/0/organizations/{org}/webhook-deliveries/"]?.get).toBeDefined();
    expect(doc.paths["/api/0/organizations/{org}/webhook-deliveries/{id}/"]?.get).toBeDefined();
    expect(doc.paths["/api/0/organizations/{org}/webhook-deliveries/stats/"]?.get).toBeDefined();
    expect(doc.paths["/api/0/webhook-deliveries/{id}/replay/"]?.post).toBeDefined();
  });
});
