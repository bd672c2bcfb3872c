import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { api, startSim, type GithubSim } from "./helpers.js";

interface IssueJson {
  number: number;
  title: string;
  body: string | null;
  state: string;
  state_reason: string | null;
  assignee: { login: string } | null;
  assignees: Array<{ login: string }>;
  updated_at: string;
  closed_at: string | null;
  html_url: string;
  url: string;
  user: { login: string; type: string };
}

describe("GitHub simulator: issues, assignees and search over the REST API (§1.1, §1.4, §1.7)", () => {
  let sim: GithubSim;
  let token: string;
  let issue: number;
  const asIssue = (json: unknown) => json as IssueJson;
  const logins = (json: unknown) => asIssue(json).assignees.map((a) => a.login);

  beforeAll(async () => {
    sim = await startSim();
    const acme = await sim.control.createInstallation({ account: "acme", repositories: ["web"], notify: false });
    await sim.control.createInstallation({ account: "globex", repositories: ["app"], notify: false });
    sim.control.addUser("ana");
    sim.control.addUser("ben");
    sim.control.addUser({ login: "outsider", assignable: false });
    token = sim.control.mintToken(acme);
    sim.control.createIssue("globex/app", "Secret crash in checkout");
  });
  afterAll(() => sim.stop());
  beforeEach(() => {
    issue = sim.control.createIssue("acme/web", { title: "TypeError in checkout", body: "Stack trace here" });
  });

  it("shows an issue shaped like GitHub's (§1.7)", async () => {
    const response = await api(sim, "GET", `/repos/acme/web/issues/${issue}`, token);
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({
      number: issue,
      title: "TypeError in checkout",
      body: "Stack trace here",
      state: "open",
      state_reason: null,
      assignee: null,
      assignees: [],
      labels: [],
      url: `${sim.url}/repos/acme/web/issues/${issue}`,
      html_url: `${sim.url}/acme/web/issues/${issue}`,
      closed_at: null,
    });
    expect(response.json.id).toEqual(expect.any(Number));
    expect(response.json.updated_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it("answers 404 Not Found for unknown issues and repositories, and for another installation's repository (§1.4)", async () => {
    for (const path of ["/repos/acme/web/issues/999", "/repos/acme/nope", "/repos/globex/app", "/repos/globex/app/issues/1"]) {
      const response = await api(sim, "GET", path, token);
      expect(response.status, path).toBe(404);
      expect(response.json.message).toBe("Not Found");
    }
    expect((await api(sim, "GET", "/repos/ACME/Web", token)).status).toBe(200);
  });

  it("creates an issue as the app's bot: 201, Location, the next number (§1.7)", async () => {
    const response = await api(sim, "POST", "/repos/acme/web/issues", token, { title: "Crash on save", body: "details", assignees: ["ana"], labels: ["bug"] });
    expect(response.status).toBe(201);
    const created = asIssue(response.json);
    expect(created.number).toBe(issue + 1);
    expect(response.headers.get("location")).toBe(created.url);
    expect(created.user).toMatchObject({ login: `${sim.credentials.GITHUB_APP_SLUG}[bot]`, type: "Bot" });
    expect(logins(created)).toEqual(["ana"]);
    expect((response.json.labels as Array<{ name: string }>).map((l) => l.name)).toEqual(["bug"]);
  });

  it("refuses a create without a title, with an empty title, or with an assignee who cannot be assigned (§1.4)", async () => {
    const missing = await api(sim, "POST", "/repos/acme/web/issues", token, { body: "no title" });
    expect(missing.status).toBe(422);
    expect(missing.json.message).toBe('Invalid request.\n\n"title" wasn\'t supplied.');
    const empty = await api(sim, "POST", "/repos/acme/web/issues", token, { title: "" });
    expect(empty.status).toBe(422);
    expect(empty.json).toMatchObject({ message: "Validation Failed", errors: [{ resource: "Issue", field: "title", code: "missing_field" }] });
    const outsider = await api(sim, "POST", "/repos/acme/web/issues", token, { title: "x", assignees: ["ana", "outsider"] });
    expect(outsider.status).toBe(422);
    expect(outsider.json.errors).toEqual([{ value: "outsider", resource: "Issue", field: "assignees", code: "invalid" }]);
    const broken = await api(sim, "POST", "/repos/acme/web/issues", token, "{title:");
    expect(broken.status).toBe(400);
    expect(broken.json.message).toBe("Problems parsing JSON");
  });

  it("replaces assignees on PATCH, and refuses the whole update when one login cannot be assigned (§1.4)", async () => {
    const set = await api(sim, "PATCH", `/repos/acme/web/issues/${issue}`, token, { assignees: ["ana", "ben"] });
    expect(set.status).toBe(200);
    expect(logins(set.json)).toEqual(["ana", "ben"]);
    expect(asIssue(set.json).assignee?.login).toBe("ana");
    const refused = await api(sim, "PATCH", `/repos/acme/web/issues/${issue}`, token, { assignees: ["ghost-user"], state: "closed" });
    expect(refused.status).toBe(422);
    expect(refused.json.errors).toEqual([{ value: "ghost-user", resource: "Issue", field: "assignees", code: "invalid" }]);
    expect(sim.control.issue("acme/web", issue)).toMatchObject({ assignees: ["ana", "ben"], state: "open" });
    const cleared = await api(sim, "PATCH", `/repos/acme/web/issues/${issue}`, token, { assignees: [] });
    expect(asIssue(cleared.json).assignee).toBeNull();
  });

  it("closes with state_reason completed (or the given reason) and reopens with reopened (§1.7)", async () => {
    const closed = asIssue((await api(sim, "PATCH", `/repos/acme/web/issues/${issue}`, token, { state: "closed" })).json);
    expect(closed).toMatchObject({ state: "closed", state_reason: "completed" });
    expect(closed.closed_at).toMatch(/Z$/);
    const reopened = asIssue((await api(sim, "PATCH", `/repos/acme/web/issues/${issue}`, token, { state: "open" })).json);
    expect(reopened).toMatchObject({ state: "open", state_reason: "reopened", closed_at: null });
    const notPlanned = asIssue((await api(sim, "PATCH", `/repos/acme/web/issues/${issue}`, token, { state: "closed", state_reason: "not_planned" })).json);
    expect(notPlanned.state_reason).toBe("not_planned");
    const bad = await api(sim, "PATCH", `/repos/acme/web/issues/${issue}`, token, { state: "resolved" });
    expect(bad.status).toBe(422);
    expect(bad.json.message).toMatch(/^Invalid request\.\n\nFor 'properties\/state'/);
  });

  it("moves updated_at forward on every change, even several within one second (§1.7)", async () => {
    const seen: string[] = [sim.control.issue("acme/web", issue).updated_at];
    for (const body of [{ assignees: ["ana"] }, { state: "closed" }, { state: "open" }, { title: "Renamed" }]) {
      seen.push(asIssue((await api(sim, "PATCH", `/repos/acme/web/issues/${issue}`, token, body)).json).updated_at);
    }
    for (let i = 1; i < seen.length; i++) expect(Date.parse(seen[i]!)).toBeGreaterThan(Date.parse(seen[i - 1]!));
    // A PATCH that changes nothing leaves it alone.
    const same = asIssue((await api(sim, "PATCH", `/repos/acme/web/issues/${issue}`, token, { title: "Renamed" })).json);
    expect(same.updated_at).toBe(seen.at(-1));
    // And control changes move it too.
    await sim.control.assign("acme/web", issue, ["ben"]);
    expect(Date.parse(sim.control.issue("acme/web", issue).updated_at)).toBeGreaterThan(Date.parse(seen.at(-1)!));
  });

  it("adds assignees with 201, silently ignoring logins that cannot be assigned, and removes them with 200 (§1.7)", async () => {
    await api(sim, "PATCH", `/repos/acme/web/issues/${issue}`, token, { assignees: ["ana"] });
    const added = await api(sim, "POST", `/repos/acme/web/issues/${issue}/assignees`, token, { assignees: ["ben", "outsider", "nobody-at-all"] });
    expect(added.status).toBe(201);
    expect(logins(added.json)).toEqual(["ana", "ben"]);
    const removed = await api(sim, "DELETE", `/repos/acme/web/issues/${issue}/assignees`, token, { assignees: ["ANA"] });
    expect(removed.status).toBe(200);
    expect(logins(removed.json)).toEqual(["ben"]);
    const notAList = await api(sim, "POST", `/repos/acme/web/issues/${issue}/assignees`, token, { assignees: "ben" });
    expect(notAList.status).toBe(422);
  });

  it("says who can be assigned: 204 or 404 (§1.4)", async () => {
    expect((await api(sim, "GET", "/repos/acme/web/assignees/ana", token)).status).toBe(204);
    expect((await api(sim, "GET", "/repos/acme/web/assignees/outsider", token)).status).toBe(404);
    const list = await api(sim, "GET", "/repos/acme/web/assignees", token);
    expect((list.json as unknown as Array<{ login: string }>).map((u) => u.login)).toEqual(expect.arrayContaining(["ana", "ben"]));
    expect((list.json as unknown as Array<{ login: string }>).map((u) => u.login)).not.toContain("outsider");
  });

  it("searches the token's repositories by repo:, is:issue, state and free text in the title (§1)", async () => {
    sim.control.createIssue("acme/web", "Timeout talking to payments");
    const search = (q: string) => api(sim, "GET", `/search/issues?q=${encodeURIComponent(q)}`, token);
    const hits = await search("repo:acme/web is:issue payments in:title");
    expect(hits.status).toBe(200);
    expect(hits.json).toMatchObject({ incomplete_results: false });
    expect((hits.json.items as IssueJson[]).map((i) => i.title)).toEqual(["Timeout talking to payments"]);
    expect(hits.json.total_count).toBe(1);
    expect((hits.json.items as Array<{ score: number }>)[0]!.score).toEqual(expect.any(Number));
    // Another installation's issues are invisible, even to free text.
    expect((await search("Secret crash")).json.total_count).toBe(0);
    expect((await search("repo:acme/web is:pr")).json.total_count).toBe(0);
    await api(sim, "PATCH", `/repos/acme/web/issues/${issue}`, token, { state: "closed" });
    const closed = await search("repo:acme/web is:closed checkout");
    expect((closed.json.items as IssueJson[]).map((i) => i.number)).toContain(issue);
    expect((closed.json.items as IssueJson[]).every((i) => i.state === "closed")).toBe(true);
  });

  it("refuses a search without q, or naming a repository it cannot see, with 422 (§1.4)", async () => {
    const missing = await api(sim, "GET", "/search/issues", token);
    expect(missing.status).toBe(422);
    expect(missing.json).toMatchObject({ message: "Validation Failed", errors: [{ resource: "Search", field: "q", code: "missing" }] });
    const hidden = await api(sim, "GET", `/search/issues?q=${encodeURIComponent("repo:globex/app crash")}`, token);
    expect(hidden.status).toBe(422);
    expect((hidden.json.errors as Array<{ message: string }>)[0]!.message).toMatch(/cannot be searched/);
    expect(hidden.headers.get("x-ratelimit-resource")).toBe("search");
  });

  it("adds comments and counts them on the issue (§1)", async () => {
    const created = await api(sim, "POST", `/repos/acme/web/issues/${issue}/comments`, token, { body: "Linked from Switchboard" });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ body: "Linked from Switchboard", user: { login: `${sim.credentials.GITHUB_APP_SLUG}[bot]` } });
    expect((await api(sim, "GET", `/repos/acme/web/issues/${issue}`, token)).json.comments).toBe(1);
    expect((await api(sim, "POST", `/repos/acme/web/issues/${issue}/comments`, token, {})).status).toBe(422);
  });
});
