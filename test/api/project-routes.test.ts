import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SequenceAllocator } from "../../src/platform/sequence/sequence.js";
import { addNotificationSetting } from "../../src/store/notification-settings.js";
import { apiClient, organizationWithToken } from "../helpers/api-client.js";
import { createGroup, createProject } from "../helpers/fixtures.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";

let t: TestApp;
let call: ReturnType<typeof apiClient>;
let otherCall: ReturnType<typeof apiClient>;
let acmeId: number;
const create = (body: unknown) => call("POST", "/api/0/teams/acme/core/projects/", body);

beforeAll(async () => {
  t = await startTestApp();
  const acme = await organizationWithToken(t.app, "acme");
  acmeId = acme.id;
  call = apiClient(t.url, acme.token);
  otherCall = apiClient(t.url, (await organizationWithToken(t.app, "other")).token);
  await call("POST", "/api/0/organizations/acme/teams/", { name: "Core" });
});
afterAll(async () => t?.close());

describe("projects API (§11.1-11.3, D12)", () => {
  it("creates a project with a Django-style slug from its name, linked to the team, with a default key", async () => {
    const res = await create({ name: "Café Web App!", platform: "node" });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ slug: "cafe-web-app", name: "Café Web App!", platform: "node", teams: [{ slug: "core" }], organization: { slug: "acme" } });
    expect(res.body.id).toMatch(/^\d+$/);
    expect((await call("GET", "/api/0/projects/acme/cafe-web-app/keys/")).body).toHaveLength(1);
  });

  it("suffixes a derived slug that is taken in another case with 2 characters of a-z0-9", async () => {
    await createProject(t.app.store.db, acmeId, "Mixed");
    const res = await create({ name: "mixed" });
    expect(res.body.slug).toMatch(/^mixed-[a-z0-9]{2}$/);
  });

  it("answers 409 for an explicit slug that is taken, regardless of case", async () => {
    const res = await create({ name: "Anything", slug: "mixed" });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("project_slug_taken");
  });

  it("creates one project when several ask for the same explicit slug at once; the others get 409", async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => create({ name: "Race", slug: "race" })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 201)) expect(r.body.code).toBe("project_slug_taken");
  });

  it("replaces a reserved slug with 12 hex characters and refuses it when explicit", async () => {
    expect((await create({ name: "Settings" })).body.slug).toMatch(/^[0-9a-f]{12}$/);
    const explicit = await create({ name: "x", slug: "integrations" });
    expect(explicit.status).toBe(400);
    expect(explicit.body.slug[0]).toContain("reserved");
  });

  it("keeps slugs to 50 characters, suffix included", async () => {
    const first = await create({ name: "n".repeat(70) });
    const second = await create({ name: "n".repeat(70) });
    expect(first.body.slug).toBe("n".repeat(50));
    expect(second.body.slug).toMatch(/^n{47}-[a-z0-9]{2}$/);
    expect((await create({ name: "x", slug: "a".repeat(51) })).body.slug[0]).toContain("50 characters");
  });

  it("gives every concurrent creation of one name its own slug (slug lock)", async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => create({ name: "Burst" })));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(new Set(results.map((r) => r.body.slug)).size).toBe(8);
  });

  it("answers 400 per field for a missing or blank name, a numeric or uppercase slug and unknown fields", async () => {
    expect((await create({})).body).toHaveProperty("name");
    expect((await create({ name: "   " })).body).toHaveProperty("name");
    expect((await create({ name: "x", slug: "12345" })).body).toHaveProperty("slug");
    expect((await create({ name: "x", slug: "Upper" })).body).toHaveProperty("slug");
    expect((await create({ name: "x", platform: 3 })).body).toHaveProperty("platform");
    expect((await create({ name: "x", extra: true })).status).toBe(400);
  });

  it("answers 409 with Sentry's message when snowflake ids keep colliding", async () => {
    const real = t.app.ids.sequence;
    const second = Math.floor(Date.now() / 1000) - 3600;
    const fixed: SequenceAllocator = { next: async () => ({ timestamp: second, sequence: 3 }), close: async () => {} };
    t.app.ids.sequence = fixed;
    try {
      expect((await create({ name: "Fixed One" })).status).toBe(201);
      const res = await create({ name: "Fixed Two" });
      expect(res.status).toBe(409);
      expect(res.body.detail).toBe("Max allowed ID retry reached. Please try again in a second");
    } finally {
      t.app.ids.sequence = real;
    }
    expect((await call("GET", "/api/0/projects/acme/fixed-two/")).status).toBe(404);
  });

  it("lists, gets (slug in any case) and hides projects from other organizations", async () => {
    const list = await call("GET", "/api/0/organizations/acme/projects/");
    expect(list.body.map((p: { slug: string }) => p.slug)).toContain("cafe-web-app");
    expect((await call("GET", "/api/0/projects/acme/CAFE-web-app/")).body.slug).toBe("cafe-web-app");
    expect((await otherCall("GET", "/api/0/projects/acme/cafe-web-app/")).status).toBe(404);
    expect((await otherCall("DELETE", "/api/0/projects/acme/cafe-web-app/")).status).toBe(404);
    expect((await call("GET", "/api/0/projects/acme/nope/")).status).toBe(404);
    expect((await call("POST", "/api/0/teams/acme/nope/projects/", { name: "x" })).status).toBe(404);
  });

  it("deletes a project: its notification settings, then the outbox row and the project (with its groups) together", async () => {
    const project = (await create({ name: "Doomed" })).body;
    const id = Number(project.id);
    await addNotificationSetting(t.app.store.db, { scopeType: "project", scopeIdentifier: id, type: "alerts", value: "always" }, new Date().toISOString());
    await createGroup(t.app.store.db, id);
    expect((await call("DELETE", "/api/0/projects/acme/doomed/")).status).toBe(204);
    const db = t.app.store.db;
    expect(await db.selectFrom("notification_settings").selectAll().where("scope_identifier", "=", id).execute()).toEqual([]);
    expect(await db.selectFrom("groups").selectAll().where("project_id", "=", id).execute()).toEqual([]);
    const outbox = await db.selectFrom("outbox").selectAll().where("object_identifier", "=", id).execute();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ shard_scope: "ORGANIZATION_SCOPE", shard_identifier: acmeId, category: "PROJECT_UPDATE" });
    expect((await call("GET", "/api/0/projects/acme/doomed/")).status).toBe(404);
    expect((await call("DELETE", "/api/0/projects/acme/doomed/")).status).toBe(404);
  });
});

describe("project keys API", () => {
  it("lists keys with a DSN built from SWITCHBOARD_URL and creates more", async () => {
    const project = (await call("GET", "/api/0/projects/acme/cafe-web-app/")).body;
    const created = await call("POST", "/api/0/projects/acme/cafe-web-app/keys/", { name: "Backend" });
    expect(created.status).toBe(201);
    expect(created.body.public).toMatch(/^[0-9a-f]{32}$/);
    const host = new URL(t.url).host;
    expect(created.body.dsn).toEqual({
      public: `http://${created.body.public}@${host}/${project.id}`,
      secret: `http://${created.body.public}:${created.body.secret}@${host}/${project.id}`,
    });
    const keys = await call("GET", "/api/0/projects/acme/cafe-web-app/keys/");
    expect(keys.body.map((k: { name: string }) => k.name)).toEqual(["Default", "Backend"]);
  });

  it("answers 400 for a bad key name and 404 for another organization's project", async () => {
    expect((await call("POST", "/api/0/projects/acme/cafe-web-app/keys/", { name: "" })).body).toHaveProperty("name");
    expect((await call("POST", "/api/0/projects/acme/cafe-web-app/keys/", { name: 1 })).body).toHaveProperty("name");
    expect((await otherCall("GET", "/api/0/projects/acme/cafe-web-app/keys/")).status).toBe(404);
  });
});
