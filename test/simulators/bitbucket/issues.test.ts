import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBitbucketSimulator } from "../../../simulators/bitbucket/index.js";
import { api, startTestApp, type BitbucketSim, type TestApp } from "./helpers.js";

interface Issue {
  id: number;
  title: string;
  state: string;
  kind: string;
  priority: string;
  assignee: { uuid: string; nickname: string; account_id: string; type: string } | null;
  content: { raw: string };
  links: { self: { href: string } };
  updated_on: string;
}
interface Page<T> {
  size: number;
  page: number;
  pagelen: number;
  values: T[];
  next?: string;
  previous?: string;
}

describe("Bitbucket 2.0 issues, repositories and accounts (provider-contracts §4.4)", () => {
  let sim: BitbucketSim;
  let app: TestApp;
  const REPO = "/2.0/repositories/acme/backend";

  beforeAll(async () => {
    app = await startTestApp();
    sim = await startBitbucketSimulator({ appUrl: app.url });
    sim.control.addUser({ nickname: "linus", displayName: "Linus", email: "linus@example.com" });
    sim.control.addWorkspace({ slug: "other", members: ["linus"] });
    sim.control.addRepository({ workspace: "other", slug: "secret" });
    sim.control.addRepository({ workspace: "acme", slug: "no-tracker", hasIssues: false });
    await sim.control.install();
  });
  afterAll(async () => {
    await sim.stop();
    await app.close();
  });

  it("creates an issue (201, Location, Bitbucket's issue shape, defaults new/bug/major) (§4.4)", async () => {
    const response = await api(sim, "POST", `${REPO}/issues`, { title: "Crash in checkout", content: { raw: "TypeError at line 3" } });
    expect(response.status).toBe(201);
    const issue = (await response.json()) as Issue;
    expect(response.headers.get("location")).toBe(issue.links.self.href);
    expect(issue).toMatchObject({ type: "issue", title: "Crash in checkout", state: "new", kind: "bug", priority: "major", assignee: null, content: { raw: "TypeError at line 3", markup: "markdown" } });
    expect(issue.updated_on).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
    const fetched = await api(sim, "GET", `${REPO}/issues/${issue.id}`);
    expect(await fetched.json()).toEqual(issue);
  });

  it("refuses an issue without a title or with an unknown kind, naming the fields (400)", async () => {
    const response = await api(sim, "POST", `${REPO}/issues`, { kind: "story" });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { type: string; error: { message: string; fields: Record<string, string[]> } };
    expect(body.type).toBe("error");
    expect(Object.keys(body.error.fields).sort()).toEqual(["kind", "title"]);
  });

  it("assigns by account uuid, account_id or username and unassigns with null (§4.4)", async () => {
    const { id } = (await (await api(sim, "POST", `${REPO}/issues`, { title: "Assign me" })).json()) as Issue;
    const byName = (await (await api(sim, "PUT", `${REPO}/issues/${id}`, { assignee: { username: "grace" } })).json()) as Issue;
    expect(byName.assignee?.nickname).toBe("grace");
    const graceUuid = byName.assignee?.uuid as string;
    expect(graceUuid).toMatch(/^\{[0-9a-f-]{36}\}$/);
    const ada = (await (await api(sim, "PUT", `${REPO}/issues/${id}`, { assignee: { account_id: sim.control.addUser({ nickname: "ada" }).accountId } })).json()) as Issue;
    expect(ada.assignee?.nickname).toBe("ada");
    const byUuid = (await (await api(sim, "PUT", `${REPO}/issues/${id}`, { assignee: { uuid: graceUuid } })).json()) as Issue;
    expect(byUuid.assignee?.uuid).toBe(graceUuid);
    expect(byUuid.assignee).not.toHaveProperty("email");
    const cleared = (await (await api(sim, "PUT", `${REPO}/issues/${id}`, { assignee: null })).json()) as Issue;
    expect(cleared.assignee).toBeNull();
  });

  it("refuses an assignee outside the workspace or unknown (400 on the assignee field)", async () => {
    const { id } = (await (await api(sim, "POST", `${REPO}/issues`, { title: "Nobody" })).json()) as Issue;
    for (const assignee of [{ username: "linus" }, { username: "nobody" }, { username: "grace@example.com" }]) {
      const response = await api(sim, "PUT", `${REPO}/issues/${id}`, { assignee });
      expect(response.status, JSON.stringify(assignee)).toBe(400);
      expect(((await response.json()) as { error: { fields: object } }).error.fields).toHaveProperty("assignee");
    }
  });

  it("moves the state through Bitbucket's states and refuses an unknown one", async () => {
    const { id } = (await (await api(sim, "POST", `${REPO}/issues`, { title: "States" })).json()) as Issue;
    for (const state of ["open", "on hold", "resolved", "closed", "new"]) {
      const response = await api(sim, "PUT", `${REPO}/issues/${id}`, { state });
      expect(((await response.json()) as Issue).state).toBe(state);
    }
    expect((await api(sim, "PUT", `${REPO}/issues/${id}`, { state: "done" })).status).toBe(400);
  });

  it("searches with BBQL q (title ~, id =, AND/OR) and sorts", async () => {
    const a = (await (await api(sim, "POST", `${REPO}/issues`, { title: "Needle in haystack" })).json()) as Issue;
    const b = (await (await api(sim, "POST", `${REPO}/issues`, { title: "another NEEDLE" })).json()) as Issue;
    const search = async (q: string, extra = "") => (await (await api(sim, "GET", `${REPO}/issues?q=${encodeURIComponent(q)}${extra}`)).json()) as Page<Issue>;
    expect((await search('title ~ "needle"')).values.map((i) => i.id).sort()).toEqual([a.id, b.id].sort());
    expect((await search(`id = ${a.id}`)).values.map((i) => i.id)).toEqual([a.id]);
    expect((await search(`title ~ "needle" AND id = ${b.id}`)).values.map((i) => i.id)).toEqual([b.id]);
    expect((await search(`(id = ${a.id} OR id = ${b.id}) AND state = "new"`, "&sort=-id")).values.map((i) => i.id)).toEqual([b.id, a.id]);
    // Sentry writes the filter without spaces: title~"query".
    expect((await search('title~"haystack"')).values.map((i) => i.id)).toEqual([a.id]);
    expect((await api(sim, "GET", `${REPO}/issues?q=${encodeURIComponent('title ~ "unterminated')}`)).status).toBe(400);
    const bad = await api(sim, "GET", `${REPO}/issues?q=${encodeURIComponent('colour = "red"')}`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ type: "error", error: { message: "Invalid field name: colour" } });
  });

  it("paginates with values, page, pagelen, size and next/previous links", async () => {
    for (let i = 0; i < 3; i++) await api(sim, "POST", `${REPO}/issues`, { title: `Page filler ${i}` });
    const first = (await (await api(sim, "GET", `${REPO}/issues?pagelen=2`)).json()) as Page<Issue>;
    expect(first).toMatchObject({ page: 1, pagelen: 2 });
    expect(first.values).toHaveLength(2);
    expect(first.size).toBeGreaterThanOrEqual(5);
    expect(first.previous).toBeUndefined();
    const next = new URL(first.next as string);
    expect(next.searchParams.get("page")).toBe("2");
    const second = (await (await api(sim, "GET", `${next.pathname}${next.search}`)).json()) as Page<Issue>;
    expect(second.page).toBe(2);
    expect(second.values[0]?.id).not.toBe(first.values[0]?.id);
    expect((await api(sim, "GET", `${REPO}/issues?page=999`)).status).toBe(404);
  });

  it("answers 404 in Bitbucket's error shape for unknown issues, other workspaces' repositories and disabled trackers", async () => {
    const missing = await api(sim, "GET", `${REPO}/issues/99999`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ type: "error", error: { message: expect.any(String) } });
    expect((await api(sim, "GET", "/2.0/repositories/other/secret")).status).toBe(404);
    expect((await api(sim, "GET", "/2.0/repositories/acme/no-tracker/issues")).status).toBe(404);
    expect((await api(sim, "GET", "/2.0/repositories/acme/no-tracker")).status).toBe(200);
  });

  it("shows the repository, users by {uuid} or account id, and the workspace's members", async () => {
    const repo = (await (await api(sim, "GET", REPO)).json()) as { full_name: string; uuid: string; has_issues: boolean; workspace: { slug: string } };
    expect(repo).toMatchObject({ type: "repository", full_name: "acme/backend", has_issues: true, workspace: { slug: "acme" } });
    const members = (await (await api(sim, "GET", "/2.0/workspaces/acme/members")).json()) as Page<{ type: string; user: { nickname: string; uuid: string; account_id: string } }>;
    expect(members.values.map((m) => m.user.nickname).sort()).toEqual(["ada", "grace"]);
    expect(members.values[0]?.type).toBe("workspace_membership");
    const grace = members.values.find((m) => m.user.nickname === "grace")?.user;
    const byUuid = await api(sim, "GET", `/2.0/users/${encodeURIComponent(grace?.uuid ?? "")}`);
    expect(byUuid.status).toBe(200);
    expect(await byUuid.json()).toMatchObject({ display_name: "Grace Hopper", uuid: grace?.uuid, type: "user" });
    expect((await api(sim, "GET", `/2.0/users/${grace?.account_id}`)).status).toBe(200);
    expect((await api(sim, "GET", "/2.0/users/grace")).status).toBe(404);
    expect((await api(sim, "GET", "/2.0/workspaces/other/members")).status).toBe(404);
  });
});
