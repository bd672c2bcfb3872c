import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, organizationWithToken } from "../helpers/api-client.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";

let t: TestApp;
let call: ReturnType<typeof apiClient>;
let otherCall: ReturnType<typeof apiClient>;

beforeAll(async () => {
  t = await startTestApp();
  call = apiClient(t.url, (await organizationWithToken(t.app, "acme")).token);
  otherCall = apiClient(t.url, (await organizationWithToken(t.app, "other")).token);
});
afterAll(async () => t?.close());

describe("members API", () => {
  it("adds a member by email, creating the user with that email verified", async () => {
    const res = await call("POST", "/api/0/organizations/acme/members/", { email: "ann@example.com", name: "Ann" });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: "ann@example.com", name: "Ann", role: "member", user: { username: "ann@example.com" } });
    const email = await t.app.store.db.selectFrom("user_emails").selectAll().where("email", "=", "ann@example.com").executeTakeFirstOrThrow();
    expect(email.is_verified).toBe(1);
  });

  it("reuses the user who owns a verified email when another organization adds it", async () => {
    const res = await otherCall("POST", "/api/0/organizations/other/members/", { email: "ANN@example.com" });
    expect(res.status).toBe(201);
    const acme = await call("GET", "/api/0/organizations/acme/members/");
    expect(res.body.user.id).toBe(acme.body[0].user.id);
  });

  it("answers 409 when the user is already a member", async () => {
    expect((await call("POST", "/api/0/organizations/acme/members/", { email: "ann@example.com" })).status).toBe(409);
  });

  it("answers 400 per field for a bad email, an unknown role, unknown fields and a missing body", async () => {
    expect((await call("POST", "/api/0/organizations/acme/members/", { email: "not-an-email" })).body).toHaveProperty("email");
    expect((await call("POST", "/api/0/organizations/acme/members/", { email: "b@example.com", role: "god" })).body).toHaveProperty("role");
    expect((await call("POST", "/api/0/organizations/acme/members/", { email: "b@example.com", x: 1 })).status).toBe(400);
    expect((await call("POST", "/api/0/organizations/acme/members/")).body).toHaveProperty("email");
  });

  it("gets and removes a member; unknown and foreign members answer 404", async () => {
    const created = await call("POST", "/api/0/organizations/acme/members/", { email: "bob@example.com" });
    expect((await call("GET", `/api/0/organizations/acme/members/${created.body.id}/`)).body.email).toBe("bob@example.com");
    expect((await otherCall("GET", `/api/0/organizations/other/members/${created.body.id}/`)).status).toBe(404);
    expect((await call("GET", "/api/0/organizations/acme/members/abc/")).status).toBe(404);
    expect((await call("DELETE", `/api/0/organizations/acme/members/${created.body.id}/`)).status).toBe(204);
    expect((await call("DELETE", `/api/0/organizations/acme/members/${created.body.id}/`)).status).toBe(404);
  });
});

describe("teams API", () => {
  it("creates a team with a slug from its name and lists it", async () => {
    const res = await call("POST", "/api/0/organizations/acme/teams/", { name: "Backend Team" });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ slug: "backend-team", name: "Backend Team", memberCount: 0 });
    expect((await call("GET", "/api/0/organizations/acme/teams/")).body.map((x: { slug: string }) => x.slug)).toEqual(["backend-team"]);
  });

  it("answers 409 for an explicit slug that is taken and 400 for a bad one or none at all", async () => {
    expect((await call("POST", "/api/0/organizations/acme/teams/", { slug: "backend-team" })).status).toBe(409);
    expect((await call("POST", "/api/0/organizations/acme/teams/", { slug: "Bad Slug" })).body).toHaveProperty("slug");
    expect((await call("POST", "/api/0/organizations/acme/teams/", {})).body).toHaveProperty("name");
    expect((await call("POST", "/api/0/organizations/acme/teams/", { name: 5 })).body).toHaveProperty("name");
  });

  it("adds a member to a team (201, then 204), lists and removes it", async () => {
    const member = await call("POST", "/api/0/organizations/acme/members/", { email: "cat@example.com" });
    const path = `/api/0/organizations/acme/members/${member.body.id}/teams/backend-team/`;
    expect((await call("POST", path)).status).toBe(201);
    expect((await call("POST", path)).status).toBe(204);
    const members = await call("GET", "/api/0/teams/acme/backend-team/members/");
    expect(members.body.map((m: { email: string }) => m.email)).toEqual(["cat@example.com"]);
    expect((await call("GET", `/api/0/organizations/acme/members/${member.body.id}/`)).body.teams).toEqual(["backend-team"]);
    expect((await call("DELETE", path)).status).toBe(200);
    expect((await call("GET", "/api/0/teams/acme/backend-team/members/")).body).toEqual([]);
  });

  it("answers 404 for unknown teams and members and another organization's team", async () => {
    expect((await call("GET", "/api/0/teams/acme/nope/")).status).toBe(404);
    expect((await call("POST", "/api/0/organizations/acme/members/999999/teams/backend-team/")).status).toBe(404);
    expect((await otherCall("GET", "/api/0/teams/acme/backend-team/")).status).toBe(404);
    expect((await otherCall("DELETE", "/api/0/teams/acme/backend-team/")).status).toBe(404);
  });

  it("deletes a team", async () => {
    await call("POST", "/api/0/organizations/acme/teams/", { name: "Doomed" });
    expect((await call("DELETE", "/api/0/teams/acme/doomed/")).status).toBe(204);
    expect((await call("GET", "/api/0/teams/acme/doomed/")).status).toBe(404);
  });
});
