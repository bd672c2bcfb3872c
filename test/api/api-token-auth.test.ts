import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/platform/clock.js";
import { apiClient, organizationWithToken } from "../helpers/api-client.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";

let t: TestApp;
let call: ReturnType<typeof apiClient>;
let acme: { id: number; token: string };
let other: { id: number; token: string };
const clock = new ManualClock(Date.UTC(2026, 0, 1));

beforeAll(async () => {
  t = await startTestApp({ clock });
  acme = await organizationWithToken(t.app, "acme");
  other = await organizationWithToken(t.app, "other");
  call = apiClient(t.url, acme.token);
});
afterAll(async () => t?.close());

describe("API token authentication", () => {
  it("answers 401 with Sentry's message when no token is sent", async () => {
    const res = await call("GET", "/api/0/organizations/", undefined, null);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail: "Authentication credentials were not provided.", code: "authentication_required" });
  });

  it("answers 401 Invalid token for an unknown token", async () => {
    const res = await call("GET", "/api/0/organizations/", undefined, "sbt_unknown");
    expect(res.status).toBe(401);
    expect(res.body.detail).toBe("Invalid token");
  });

  it("stores only the SHA-256 of the token and its last characters", async () => {
    const row = await t.app.store.db.selectFrom("api_tokens").selectAll().where("organization_id", "=", acme.id).executeTakeFirstOrThrow();
    expect(acme.token.startsWith("sbt_")).toBe(true);
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.token_hash).not.toContain(acme.token);
    expect(row.token_last_characters).toBe(acme.token.slice(-4));
  });

  it("records last use at most once a minute", async () => {
    const lastUsed = async () =>
      (await t.app.store.db.selectFrom("api_tokens").select("last_used").where("organization_id", "=", other.id).executeTakeFirstOrThrow()).last_used;
    await call("GET", "/api/0/organizations/", undefined, other.token);
    const first = await lastUsed();
    expect(first).toBe("2026-01-01T00:00:00.000Z");
    clock.advance(30_000);
    await call("GET", "/api/0/organizations/", undefined, other.token);
    expect(await lastUsed()).toBe(first);
    clock.advance(31_000);
    await call("GET", "/api/0/organizations/", undefined, other.token);
    expect(await lastUsed()).toBe("2026-01-01T00:01:01.000Z");
  });

  it("answers 404 for another organization's slug", async () => {
    expect((await call("GET", "/api/0/organizations/other/")).status).toBe(404);
    expect((await call("GET", "/api/0/organizations/other/projects/")).status).toBe(404);
    expect((await call("GET", "/api/0/organizations/other/members/")).status).toBe(404);
  });
});
