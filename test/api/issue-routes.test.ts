import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../src/store/api-tokens.js";
import { createGroup, createMember, createOrganization, createProject, createTeam } from "../helpers/fixtures.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { storeMode } from "../helpers/test-store.js";
import { givePassword } from "../browser/dashboard-helpers.js";

describe(`issue API: status, assignment, activity (${storeMode})`, () => {
  let t: TestApp;
  let token: string;
  let org: { id: number; slug: string };
  let project: { id: number };
  let ana: { id: number; email: string; username: string };
  let team: { id: number };

  beforeAll(async () => {
    t = await startTestApp();
    const db = t.app.store.db;
    org = await createOrganization(db, "acme");
    project = await createProject(db, org.id, "web");
    team = await createTeam(db, org.id, "core");
    ana = await createMember(db, org.id, { username: "ana", email: "Ana@Example.com" });
    token = (await createApiToken(db, org.id, "test", new Date().toISOString())).token;
  });
  afterAll(async () => {
    await t.close();
  });

  const call = (method: string, path: string, body?: unknown, auth: string | null = `Bearer ${token}`) =>
    fetch(`${t.url}${path}`, {
      method,
      headers: { ...(auth ? { authorization: auth } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });

  it("answers 401 without a token, with Sentry's message", async () => {
    const group = await createGroup(t.app.store.db, project.id);
    const response = await call("GET", `/api/0/issues/${group.id}/`, undefined, null);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ detail: "Authentication credentials were not provided." });
  });

  it("answers 401 for an unknown token", async () => {
    const response = await call("GET", `/api/0/issues/1/`, undefined, "Bearer sbt_nope");
    expect(response.status).toBe(401);
    expect(((await response.json()) as { code: string }).code).toBe("invalid_token");
  });

  it("hides another organization's issue behind a 404", async () => {
    const other = await createOrganization(t.app.store.db);
    const otherProject = await createProject(t.app.store.db, other.id);
    const group = await createGroup(t.app.store.db, otherProject.id);
    expect((await call("GET", `/api/0/issues/${group.id}/`)).status).toBe(404);
    expect((await call("GET", `/api/0/issues/not-a-number/`)).status).toBe(404);
  });

  it("shows an issue in Sentry's shape with string ids", async () => {
    const group = await createGroup(t.app.store.db, project.id, { title: "TypeError: x is undefined" });
    const body = (await (await call("GET", `/api/0/issues/${group.id}/`)).json()) as Record<string, unknown>;
    expect(body).toMatchObject({ id: String(group.id), title: "TypeError: x is undefined", status: "unresolved", count: "1", assignedTo: null });
    expect(body.shortId).toMatch(/^WEB-\d+$/);
    expect(body.project).toEqual({ id: String(project.id), slug: "web", name: "web" });
  });

  it("assigns by user:ID, by email and by username, and shows it in assignedTo and the activity", async () => {
    const group = await createGroup(t.app.store.db, project.id);
    for (const value of [`user:${ana.id}`, "ana@example.com", "ANA"]) {
      const response = await call("PUT", `/api/0/issues/${group.id}/`, { assignedTo: value });
      expect(response.status, value).toBe(200);
      expect(((await response.json()) as { assignedTo: unknown }).assignedTo).toEqual({ type: "user", id: String(ana.id), name: "ana", email: "Ana@Example.com" });
    }
    const activity = (await (await call("GET", `/api/0/issues/${group.id}/activities/`)).json()) as { activity: Array<{ type: string; data: unknown }> };
    // Re-assigning the same user twice more was a no-op: one ASSIGNED entry.
    expect(activity.activity.filter((a) => a.type === "assigned")).toEqual([
      expect.objectContaining({ data: { assignee: String(ana.id), assigneeEmail: "Ana@Example.com", assigneeType: "user" } }),
    ]);
  });

  it("assigns a team and unassigns with null", async () => {
    const group = await createGroup(t.app.store.db, project.id);
    const assigned = (await (await call("PUT", `/api/0/issues/${group.id}/`, { assignedTo: `team:${team.id}` })).json()) as { assignedTo: unknown };
    expect(assigned.assignedTo).toEqual({ type: "team", id: String(team.id), name: "core" });
    const cleared = (await (await call("PUT", `/api/0/issues/${group.id}/`, { assignedTo: null })).json()) as { assignedTo: unknown };
    expect(cleared.assignedTo).toBeNull();
    const activity = (await (await call("GET", `/api/0/issues/${group.id}/activities/`)).json()) as { activity: Array<{ type: string }> };
    expect(activity.activity.map((a) => a.type)).toEqual(["unassigned", "assigned"]);
  });

  it("refuses an actor outside the organization with a field error", async () => {
    const group = await createGroup(t.app.store.db, project.id);
    const outsider = await createMember(t.app.store.db, (await createOrganization(t.app.store.db)).id, { email: "out@example.com" });
    for (const value of ["nobody@example.com", `user:${outsider.id}`, "team:999999", "user:abc"]) {
      const response = await call("PUT", `/api/0/issues/${group.id}/`, { assignedTo: value });
      expect(response.status, value).toBe(400);
      expect(await response.json()).toEqual({ assignedTo: ["Unknown actor input"] });
    }
  });

  it("resolves and reopens, recording the activity", async () => {
    const group = await createGroup(t.app.store.db, project.id);
    expect(((await (await call("PUT", `/api/0/issues/${group.id}/`, { status: "resolved" })).json()) as { status: string }).status).toBe("resolved");
    expect(((await (await call("PUT", `/api/0/issues/${group.id}/`, { status: "unresolved" })).json()) as { status: string }).status).toBe("unresolved");
    const activity = (await (await call("GET", `/api/0/issues/${group.id}/activities/`)).json()) as { activity: Array<{ type: string }> };
    expect(activity.activity.map((a) => a.type)).toEqual(["set_unresolved", "set_resolved"]);
  });

  it("names the signed-in member as who assigned, resolved and unassigned; an API token acts as no one", async () => {
    const group = await createGroup(t.app.store.db, project.id);
    await givePassword(t.app.store.db, ana.id, "a long passphrase");
    const login = await fetch(`${t.url}/api/0/auth/login/`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: ana.email, password: "a long passphrase" }) });
    expect(login.status).toBe(200);
    const pairs = login.headers.getSetCookie().map((c) => c.split(";")[0]!);
    const csrf = pairs.find((p) => p.startsWith("sb_csrf="))!.slice("sb_csrf=".length);
    const asAna = (body: unknown) =>
      fetch(`${t.url}/api/0/issues/${group.id}/`, { method: "PUT", headers: { cookie: pairs.join("; "), "x-csrf-token": csrf, "content-type": "application/json" }, body: JSON.stringify(body) });
    for (const body of [{ assignedTo: `user:${ana.id}` }, { status: "resolved" }, { assignedTo: null }]) expect((await asAna(body)).status).toBe(200);
    expect((await call("PUT", `/api/0/issues/${group.id}/`, { status: "unresolved" })).status).toBe(200);
    const activity = (await (await call("GET", `/api/0/issues/${group.id}/activities/`)).json()) as { activity: Array<{ type: string; user: { id: string } | null }> };
    expect(activity.activity.map((a) => [a.type, a.user?.id ?? null])).toEqual([
      ["set_unresolved", null],
      ["unassigned", String(ana.id)],
      ["set_resolved", String(ana.id)],
      ["assigned", String(ana.id)],
    ]);
  });

  it("answers bad input with 400 and Sentry's field shape, never 500", async () => {
    const group = await createGroup(t.app.store.db, project.id);
    const badStatus = await call("PUT", `/api/0/issues/${group.id}/`, { status: "closed" });
    expect(badStatus.status).toBe(400);
    expect(Object.keys((await badStatus.json()) as object)).toEqual(["status"]);
    const unknownField = await call("PUT", `/api/0/issues/${group.id}/`, { color: "red" });
    expect(unknownField.status).toBe(400);
    const notJson = await call("PUT", `/api/0/issues/${group.id}/`, "{not json");
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { code: string }).code).toBe("invalid_json");
    const wrongType = await call("PUT", `/api/0/issues/${group.id}/`, { assignedTo: 42 });
    expect(wrongType.status).toBe(400);
  });

  it("serves the sync log of an issue's link", async () => {
    const group = await createGroup(t.app.store.db, project.id);
    const response = await call("GET", `/api/0/issues/${group.id}/integrations/1/sync-log/`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([]);
  });
});
