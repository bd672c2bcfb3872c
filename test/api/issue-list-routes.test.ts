import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, organizationWithToken } from "../helpers/api-client.js";
import { createGroup } from "../helpers/fixtures.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";

let t: TestApp;
let call: ReturnType<typeof apiClient>;
let otherCall: ReturnType<typeof apiClient>;
const ids: string[] = [];

function linkOf(header: string | null, rel: string): { url: string; results: string; cursor: string } {
  const m = new RegExp(`<([^>]+)>; rel="${rel}"; results="(\\w+)"; cursor="([^"]+)"`).exec(header ?? "");
  if (!m) throw new Error(`no ${rel} link in ${header}`);
  return { url: m[1]!, results: m[2]!, cursor: m[3]! };
}

beforeAll(async () => {
  t = await startTestApp();
  call = apiClient(t.url, (await organizationWithToken(t.app, "acme")).token);
  otherCall = apiClient(t.url, (await organizationWithToken(t.app, "other")).token);
  await call("POST", "/api/0/organizations/acme/teams/", { name: "Core" });
  const web = (await call("POST", "/api/0/teams/acme/core/projects/", { name: "Web" })).body;
  const api = (await call("POST", "/api/0/teams/acme/core/projects/", { name: "Api" })).body;
  const titles = ["TypeError: a is undefined", "ValueError: bad 100%", "TypeError: b is null", "KeyError: x"];
  for (const [i, title] of titles.entries()) {
    const g = await createGroup(t.app.store.db, Number(i < 3 ? web.id : api.id), { title, lastSeen: `2026-01-0${i + 1}T00:00:00.000Z` });
    ids.push(String(g.id));
  }
});
afterAll(async () => t?.close());

describe("issues API", () => {
  it("lists unresolved issues by default, most recently seen first, in Sentry's shape", async () => {
    const res = await call("GET", "/api/0/organizations/acme/issues/");
    expect(res.body.map((g: { id: string }) => g.id)).toEqual([ids[3], ids[2], ids[1], ids[0]]);
    expect(res.body[1]).toMatchObject({
      id: ids[2],
      shortId: "WEB-3",
      title: "TypeError: b is null",
      status: "unresolved",
      count: "1",
      level: "error",
      project: { slug: "web", name: "Web" },
      assignedTo: null,
    });
    expect(res.body[1].permalink).toContain(`/organizations/acme/issues/${ids[2]}/`);
  });

  it("filters a project's issues", async () => {
    const res = await call("GET", "/api/0/projects/acme/api/issues/");
    expect(res.body.map((g: { id: string }) => g.id)).toEqual([ids[3]]);
  });

  it("paginates with Sentry's Link header and cursors", async () => {
    const first = await call("GET", "/api/0/organizations/acme/issues/?limit=3");
    expect(first.body).toHaveLength(3);
    expect(linkOf(first.headers.get("link"), "previous").results).toBe("false");
    const next = linkOf(first.headers.get("link"), "next");
    expect(next).toMatchObject({ results: "true", cursor: "0:3:0" });
    const u = new URL(next.url);
    const second = await call("GET", u.pathname + u.search);
    expect(second.body.map((g: { id: string }) => g.id)).toEqual([ids[0]]);
    expect(linkOf(second.headers.get("link"), "next").results).toBe("false");
    expect(linkOf(second.headers.get("link"), "previous").results).toBe("true");
  });

  it("matches free text on the title, case-insensitively, with LIKE characters taken literally", async () => {
    const typeErrors = await call("GET", "/api/0/organizations/acme/issues/?query=typeerror");
    expect(typeErrors.body.map((g: { id: string }) => g.id)).toEqual([ids[2], ids[0]]);
    const percent = await call("GET", `/api/0/organizations/acme/issues/?query=${encodeURIComponent("100%")}`);
    expect(percent.body.map((g: { id: string }) => g.id)).toEqual([ids[1]]);
    const quoted = await call("GET", `/api/0/organizations/acme/issues/?query=${encodeURIComponent('"b is null"')}`);
    expect(quoted.body.map((g: { id: string }) => g.id)).toEqual([ids[2]]);
  });

  it("resolves, ignores and unresolves an issue, with resolved_at, activity and history", async () => {
    const path = `/api/0/organizations/acme/issues/${ids[0]}/`;
    expect((await call("PUT", path, { status: "resolved" })).body.status).toBe("resolved");
    const row = await t.app.store.db.selectFrom("groups").select("resolved_at").where("id", "=", Number(ids[0])).executeTakeFirstOrThrow();
    expect(row.resolved_at).not.toBeNull();
    const resolved = await call("GET", "/api/0/organizations/acme/issues/?query=is:resolved");
    expect(resolved.body.map((g: { id: string }) => g.id)).toEqual([ids[0]]);
    expect((await call("GET", "/api/0/organizations/acme/issues/?status=resolved")).body).toHaveLength(1);
    await call("PUT", path, { status: "ignored" });
    await call("PUT", path, { status: "unresolved" });
    const activity = await t.app.store.db.selectFrom("activity").select("type").where("group_id", "=", Number(ids[0])).orderBy("id").execute();
    expect(activity.map((a) => a.type)).toEqual(["set_resolved", "set_ignored", "set_unresolved"]);
    const history = await t.app.store.db.selectFrom("group_history").select("status").where("group_id", "=", Number(ids[0])).orderBy("id").execute();
    expect(history.map((h) => h.status)).toEqual(["resolved", "ignored", "unresolved"]);
    expect((await call("GET", path)).body.status).toBe("unresolved");
    expect((await call("PUT", `/api/0/issues/${ids[0]}/`, { status: "resolved" })).body.status).toBe("resolved");
  });

  it("answers 400 per field for a bad status, cursor or limit", async () => {
    expect((await call("PUT", `/api/0/organizations/acme/issues/${ids[0]}/`, { status: "done" })).body).toHaveProperty("status");
    expect((await call("PUT", `/api/0/organizations/acme/issues/${ids[0]}/`, {})).body).toHaveProperty("status");
    expect((await call("GET", "/api/0/organizations/acme/issues/?status=done")).body).toHaveProperty("status");
    expect((await call("GET", "/api/0/organizations/acme/issues/?cursor=abc")).body).toHaveProperty("cursor");
    expect((await call("GET", "/api/0/organizations/acme/issues/?limit=0")).body).toHaveProperty("limit");
    expect((await call("GET", "/api/0/organizations/acme/issues/?limit=x")).body).toHaveProperty("limit");
  });

  it("answers 404 for unknown issues and another organization's", async () => {
    expect((await call("GET", "/api/0/organizations/acme/issues/99999999/")).status).toBe(404);
    expect((await call("GET", "/api/0/organizations/acme/issues/abc/")).status).toBe(404);
    expect((await otherCall("GET", `/api/0/organizations/other/issues/${ids[0]}/`)).status).toBe(404);
    expect((await otherCall("GET", `/api/0/organizations/acme/issues/${ids[0]}/`)).status).toBe(404);
    expect((await otherCall("PUT", `/api/0/issues/${ids[0]}/`, { status: "resolved" })).status).toBe(404);
    expect((await otherCall("GET", "/api/0/organizations/other/issues/")).body).toEqual([]);
  });
});
