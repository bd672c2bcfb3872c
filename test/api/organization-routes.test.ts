import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, organizationWithToken } from "../helpers/api-client.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";

let t: TestApp;
let call: ReturnType<typeof apiClient>;

beforeAll(async () => {
  t = await startTestApp();
  call = apiClient(t.url, (await organizationWithToken(t.app, "acme")).token);
  await organizationWithToken(t.app, "taken");
});
afterAll(async () => t?.close());

describe("organizations API", () => {
  it("lists only the token's organization, ids as strings", async () => {
    const res = await call("GET", "/api/0/organizations/");
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1);
    expect(res.body[0]).toMatchObject({ slug: "acme", name: "acme", status: { id: "active" } });
    expect(typeof res.body[0].id).toBe("string");
  });

  it("turns the D16 feature switches on by default", async () => {
    const res = await call("GET", "/api/0/organizations/acme/");
    expect(res.body.features).toEqual(expect.arrayContaining(["integrations-issue-sync", "integrations-codeowners"]));
    expect(res.body.featureSwitches).toMatchObject({ "integrations-issue-sync": true, "integrations-codeowners": true });
  });

  it("switches a feature off for this organization and keeps the others", async () => {
    const res = await call("PUT", "/api/0/organizations/acme/", { features: { "integrations-issue-sync": false } });
    expect(res.status).toBe(200);
    expect(res.body.features).not.toContain("integrations-issue-sync");
    expect(res.body.features).toContain("integrations-codeowners");
    expect((await call("GET", "/api/0/organizations/acme/")).body.featureSwitches["integrations-issue-sync"]).toBe(false);
    await call("PUT", "/api/0/organizations/acme/", { features: { "integrations-issue-sync": true } });
  });

  it("renames the organization", async () => {
    expect((await call("PUT", "/api/0/organizations/acme/", { name: "Acme Inc" })).body.name).toBe("Acme Inc");
  });

  it("answers 400 in Sentry's field shape for unknown features, bad slugs, blank names and unknown fields", async () => {
    expect((await call("PUT", "/api/0/organizations/acme/", { features: { "no-such-feature": true } })).status).toBe(400);
    const slug = await call("PUT", "/api/0/organizations/acme/", { slug: "Not A Slug" });
    expect(slug.status).toBe(400);
    expect(slug.body.slug[0]).toContain("Enter a valid slug");
    expect((await call("PUT", "/api/0/organizations/acme/", { name: "" })).body).toHaveProperty("name");
    expect((await call("PUT", "/api/0/organizations/acme/", { features: { "integrations-codeowners": "yes" } })).status).toBe(400);
    expect((await call("PUT", "/api/0/organizations/acme/", { bogus: 1 })).status).toBe(400);
    expect((await call("PUT", "/api/0/organizations/acme/", [1, 2])).status).toBe(400);
  });

  it("answers 409 when the new slug belongs to another organization, in any case", async () => {
    expect((await call("PUT", "/api/0/organizations/acme/", { slug: "taken" })).status).toBe(409);
  });

  it("answers 404 for an unknown organization slug", async () => {
    expect((await call("GET", "/api/0/organizations/nope/")).status).toBe(404);
    expect((await call("PUT", "/api/0/organizations/taken/", { name: "x" })).status).toBe(404);
  });
});
