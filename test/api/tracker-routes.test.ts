import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../src/store/api-tokens.js";
import { createOrganization } from "../../src/store/organizations.js";
import { createGroup } from "../helpers/fixtures.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";

let t: TestApp;
let token: string;
let otherToken: string;

async function call(method: string, path: string, body?: unknown, auth: string | null = token) {
  const res = await fetch(t.url + path, {
    method,
    headers: { ...(auth ? { authorization: `Bearer ${auth}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

beforeAll(async () => {
  t = await startTestApp();
  const org = await createOrganization(t.app, { name: "Acme", slug: "acme" });
  token = (await createApiToken(t.app.store.db, org.id, "test", new Date().toISOString())).token;
  const other = await createOrganization(t.app, { name: "Other", slug: "other" });
  otherToken = (await createApiToken(t.app.store.db, other.id, "test", new Date().toISOString())).token;
});
afterAll(async () => t?.close());

describe("tracker API", () => {
  it("answers 401 without a token and with a wrong one", async () => {
    expect((await call("GET", "/api/0/organizations/", undefined, null)).body.detail).toBe("Authentication credentials were not provided.");
    expect((await call("GET", "/api/0/organizations/", undefined, "sbt_nope")).body.detail).toBe("Invalid token");
  });

  it("lists the token's organization with the D16 features on by default and lets them be switched", async () => {
    const list = await call("GET", "/api/0/organizations/");
    expect(list.body.map((o: { slug: string }) => o.slug)).toEqual(["acme"]);
    expect(list.body[0].features).toContain("integrations-issue-sync");
    const put = await call("PUT", "/api/0/organizations/acme/", { features: { "integrations-codeowners": false } });
    expect(put.body.featureSwitches["integrations-codeowners"]).toBe(false);
    expect((await call("PUT", "/api/0/organizations/acme/", { features: { nope: true } })).status).toBe(400);
    expect((await call("GET", "/api/0/organizations/other/")).status).toBe(404);
  });

  it("creates members, teams, projects with slugs from names, keys with DSNs, and hides other organizations", async () => {
    const member = await call("POST", "/api/0/organizations/acme/members/", { email: "ann@example.com" });
    expect(member.status).toBe(201);
    expect((await call("POST", "/api/0/organizations/acme/members/", { email: "ann@example.com" })).status).toBe(409);
    expect((await call("POST", "/api/0/organizations/acme/members/", { email: "nope" })).body).toHaveProperty("email");
    const team = await call("POST", "/api/0/organizations/acme/teams/", { name: "Backend Team" });
    expect(team.body.slug).toBe("backend-team");
    expect((await call("POST", `/api/0/organizations/acme/members/${member.body.id}/teams/backend-team/`)).status).toBe(201);
    expect((await call("GET", "/api/0/teams/acme/backend-team/members/")).body).toHaveLength(1);

    const p1 = await call("POST", "/api/0/teams/acme/backend-team/projects/", { name: "My API" });
    expect(p1.status).toBe(201);
    expect(p1.body.slug).toBe("my-api");
    const p2 = await call("POST", "/api/0/teams/acme/backend-team/projects/", { name: "MY api" });
    expect(p2.body.slug).toMatch(/^my-api-[a-z0-9]{2}$/);
    expect((await call("POST", "/api/0/teams/acme/backend-team/projects/", { name: "x", slug: "my-api" })).status).toBe(409);
    expect((await call("POST", "/api/0/teams/acme/backend-team/projects/", { name: "x", slug: "settings" })).body).toHaveProperty("slug");
    expect((await call("POST", "/api/0/teams/acme/backend-team/projects/", {})).body).toHaveProperty("name");
    const reserved = await call("POST", "/api/0/teams/acme/backend-team/projects/", { name: "Settings" });
    expect(reserved.body.slug).toMatch(/^[0-9a-f]{12}$/);

    const keys = await call("GET", "/api/0/projects/acme/my-api/keys/");
    expect(keys.body).toHaveLength(1);
    expect(keys.body[0].dsn.public).toBe(`http://${keys.body[0].public}@${new URL(t.url).host}/${p1.body.id}`);
    expect((await call("GET", "/api/0/projects/acme/my-api/", undefined, otherToken)).status).toBe(404);

    const del = await call("DELETE", `/api/0/projects/acme/${p2.body.slug}/`);
    expect(del.status).toBe(204);
    const outbox = await t.app.store.db.selectFrom("outbox").selectAll().where("object_identifier", "=", Number(p2.body.id)).execute();
    expect(outbox[0]).toMatchObject({ category: "PROJECT_UPDATE", shard_scope: "ORGANIZATION_SCOPE" });
    expect((await call("GET", `/api/0/projects/acme/${p2.body.slug}/`)).status).toBe(404);
  });

  it("lists issues with status and text filters, paginates with a Link header, and resolves", async () => {
    const project = await call("POST", "/api/0/teams/acme/backend-team/projects/", { name: "Issues" });
    const pid = Number(project.body.id);
    for (let i = 0; i < 3; i++) await createGroup(t.app.store.db, pid, { title: `TypeError ${i}`, lastSeen: `2026-01-0${i + 1}T00:00:00.000Z` });
    const page1 = await call("GET", "/api/0/projects/acme/issues/issues/?limit=2");
    expect(page1.body.map((g: { title: string }) => g.title)).toEqual(["TypeError 2", "TypeError 1"]);
    expect(page1.body[0].shortId).toBe("ISSUES-3");
    const link = page1.headers.get("link")!;
    expect(link).toContain('rel="next"; results="true"');
    const next = /<([^>]+)>; rel="next"/.exec(link)![1]!;
    const page2 = await call("GET", new URL(next).pathname + new URL(next).search);
    expect(page2.body).toHaveLength(1);
    const id = page1.body[0].id;
    expect((await call("PUT", `/api/0/organizations/acme/issues/${id}/`, { status: "resolved" })).body.status).toBe("resolved");
    expect((await call("PUT", `/api/0/organizations/acme/issues/${id}/`, { status: "bogus" })).body).toHaveProperty("status");
    const resolved = await call("GET", "/api/0/organizations/acme/issues/?query=is:resolved");
    expect(resolved.body.map((g: { id: string }) => g.id)).toEqual([id]);
    const text = await call("GET", "/api/0/organizations/acme/issues/?query=" + encodeURIComponent("is:unresolved TypeError 1"));
    expect(text.body.map((g: { title: string }) => g.title)).toEqual(["TypeError 1"]);
    const activity = await t.app.store.db.selectFrom("activity").select("type").where("group_id", "=", Number(id)).execute();
    expect(activity.map((a) => a.type)).toContain("set_resolved");
    expect((await call("GET", `/api/0/organizations/acme/issues/${id}/`, undefined, otherToken)).status).toBe(404);
  });

  it("serves an OpenAPI 3.1 document describing the routes", async () => {
    const doc = await call("GET", "/api/0/openapi.json");
    expect(doc.body.openapi).toBe("3.1.0");
    expect(Object.keys(doc.body.paths)).toContain("/api/0/teams/{org}/{team}/projects/");
  });
});
