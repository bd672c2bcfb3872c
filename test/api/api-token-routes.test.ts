import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, organizationWithToken } from "../helpers/api-client.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { storeMode } from "../helpers/test-store.js";

describe(`organization API tokens: list, create, revoke (${storeMode})`, () => {
  let t: TestApp;
  let api: ReturnType<typeof apiClient>;
  let otherApi: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    t = await startTestApp();
    api = apiClient(t.url, (await organizationWithToken(t.app, "acme")).token);
    otherApi = apiClient(t.url, (await organizationWithToken(t.app, "other")).token);
  });

  afterAll(async () => {
    await t?.close();
  });

  it("creates a token shown once (201) that authenticates, and lists it without the secret", async () => {
    const created = await api("POST", "/api/0/organizations/acme/org-auth-tokens/", { name: "deploys" });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^sbt_/);
    expect(created.body.tokenLastCharacters).toBe(created.body.token.slice(-4));
    expect((await apiClient(t.url, created.body.token)("GET", "/api/0/organizations/acme/")).status).toBe(200);
    const list = await api("GET", "/api/0/organizations/acme/org-auth-tokens/");
    expect(list.status).toBe(200);
    expect(list.body.map((x: { name: string }) => x.name)).toEqual(["deploys", "test"]);
    expect(JSON.stringify(list.body)).not.toContain(created.body.token);
  });

  it("revokes a token (204): it stops working at once", async () => {
    const created = await api("POST", "/api/0/organizations/acme/org-auth-tokens/", { name: "short-lived" });
    expect((await api("DELETE", `/api/0/organizations/acme/org-auth-tokens/${created.body.id}/`)).status).toBe(204);
    expect((await apiClient(t.url, created.body.token)("GET", "/api/0/organizations/acme/")).status).toBe(401);
    expect((await api("DELETE", `/api/0/organizations/acme/org-auth-tokens/${created.body.id}/`)).status).toBe(404);
  });

  it("keeps other organizations' tokens invisible and unrevocable (404)", async () => {
    const mine = await api("POST", "/api/0/organizations/acme/org-auth-tokens/", { name: "mine" });
    expect((await otherApi("GET", "/api/0/organizations/acme/org-auth-tokens/")).status).toBe(404);
    expect((await otherApi("DELETE", `/api/0/organizations/other/org-auth-tokens/${mine.body.id}/`)).status).toBe(404);
    expect((await apiClient(t.url, mine.body.token)("GET", "/api/0/organizations/acme/")).status).toBe(200);
  });

  it("refuses bad names with 400 and bad ids with 404", async () => {
    for (const body of [{}, { name: "" }, { name: "   " }, { name: "x".repeat(101) }, { name: "a\u0000b" }, { name: "ok", scopes: [] }]) {
      expect((await api("POST", "/api/0/organizations/acme/org-auth-tokens/", body)).status, JSON.stringify(body)).toBe(400);
    }
    for (const id of ["abc", "99999999", "1e3", "-1"]) expect((await api("DELETE", `/api/0/organizations/acme/org-auth-tokens/${id}/`)).status).toBe(404);
  });
});
