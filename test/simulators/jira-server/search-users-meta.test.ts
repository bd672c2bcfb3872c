import type OAuth from "oauth-1.0a";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startJiraServerSimulator } from "../../../simulators/jira-server/index.js";
import { accessToken, rest, type JiraSim } from "./helpers.js";

interface SearchResult {
  startAt: number;
  maxResults: number;
  total: number;
  issues: Array<{ key: string; fields: Record<string, unknown> }>;
}

describe("Jira Server simulator: JQL search, users, statuses, projects, serverInfo (provider-contracts §3)", () => {
  let sim: JiraSim;
  let token: OAuth.Token;

  beforeAll(async () => {
    sim = await startJiraServerSimulator();
  });
  afterAll(() => sim.stop());
  beforeEach(async () => {
    sim.server.reset();
    token = accessToken(sim);
    sim.control.addUser({ name: "hidden", displayName: "Hidden Email", emailAddress: null });
    sim.control.addUser({ name: "gone", displayName: "Gone Away", emailAddress: "gone@example.com", active: false });
    sim.control.addProject({ key: "OPS", name: "Operations" });
    await sim.control.createIssue({ project: "SWB", summary: "Crash on save", description: "TypeError when saving drafts" });
    await sim.control.createIssue({ project: "SWB", summary: "Slow dashboard", description: "Charts take ages", assignee: "jdoe" });
    await sim.control.createIssue({ project: "OPS", summary: "Disk full on worker", assignee: "admin" });
    await sim.control.transition("SWB-2", "In Progress");
    await sim.control.comment("SWB-2", "The crashing widget again");
  });

  const search = async (jql: string, extra: Record<string, string> = {}) => {
    const response = await rest(sim, token, "GET", "/rest/api/2/search", { query: { jql, ...extra } });
    return { status: response.status, body: (await response.json()) as SearchResult & { errorMessages?: string[] } };
  };
  const keys = async (jql: string) => (await search(jql)).body.issues.map((i) => i.key);

  it("searches by project, newest first without ORDER BY, with paging fields (§3)", async () => {
    const { status, body } = await search("project = SWB");
    expect(status).toBe(200);
    expect(body).toMatchObject({ startAt: 0, maxResults: 50, total: 2 });
    expect(body.issues.map((i) => i.key)).toEqual(["SWB-2", "SWB-1"]);
  });

  it("finds an issue by key, and by issuekey in a list (§3)", async () => {
    expect(await keys("key = SWB-1")).toEqual(["SWB-1"]);
    expect(await keys("issuekey in (SWB-1, OPS-1) ORDER BY key ASC")).toEqual(["OPS-1", "SWB-1"]);
  });

  it("matches words with ~ in summary, and in description and comments with text ~ (stemmed, AND of terms) (§3)", async () => {
    expect(await keys('summary ~ "crash"')).toEqual(["SWB-1"]);
    expect(await keys('text ~ "crash"')).toEqual(["SWB-2", "SWB-1"]);
    expect(await keys('text ~ "saving drafts"')).toEqual(["SWB-1"]);
    expect(await keys('summary ~ "dash*"')).toEqual(["SWB-2"]);
    expect(await keys('summary ~ "crash dashboard"')).toEqual([]);
  });

  it("filters by assignee name, e-mail, currentUser() and EMPTY, combined with AND / OR / NOT (§3)", async () => {
    expect(await keys("assignee = jdoe")).toEqual(["SWB-2"]);
    expect(await keys('assignee = "jdoe@example.com"')).toEqual(["SWB-2"]);
    expect(await keys("assignee = currentUser()")).toEqual(["OPS-1"]);
    expect(await keys("project = SWB AND assignee is EMPTY")).toEqual(["SWB-1"]);
    expect(await keys("project = OPS OR assignee = jdoe ORDER BY key ASC")).toEqual(["OPS-1", "SWB-2"]);
    expect(await keys("project = SWB AND NOT (assignee = jdoe)")).toEqual(["SWB-1"]);
    // != never matches an empty field.
    expect(await keys("assignee != jdoe")).toEqual(["OPS-1"]);
  });

  it("filters by status and status category (§3)", async () => {
    expect(await keys('status = "In Progress"')).toEqual(["SWB-2"]);
    expect(await keys('statusCategory = "To Do" ORDER BY key ASC')).toEqual(["OPS-1", "SWB-1"]);
    expect(await keys("resolution = Unresolved AND project = SWB")).toEqual(["SWB-2", "SWB-1"]);
  });

  it("pages with startAt and maxResults, and also answers POST /search (§3)", async () => {
    const { body } = await search("ORDER BY key ASC", { startAt: "1", maxResults: "1" });
    expect(body).toMatchObject({ startAt: 1, maxResults: 1, total: 3 });
    expect(body.issues.map((i) => i.key)).toEqual(["SWB-1"]);
    const post = await rest(sim, token, "POST", "/rest/api/2/search", { json: { jql: "project = OPS", fields: ["summary"] } });
    const result = (await post.json()) as SearchResult;
    expect(result.issues).toEqual([expect.objectContaining({ key: "OPS-1", fields: { summary: "Disk full on worker" } })]);
  });

  it("refuses bad JQL with 400 and Jira's messages (§3)", async () => {
    const cases: Array<[string, string]> = [
      ["project = NOPE", "The value 'NOPE' does not exist for the field 'project'."],
      ["key = SWB-99", "An issue with key 'SWB-99' does not exist for field 'key'."],
      ["assignee = nobody", "The value 'nobody' does not exist for the field 'assignee'."],
      ["flavour = vanilla", "Field 'flavour' does not exist or you do not have permission to view it."],
      ["summary = crash", "The operator '=' is not supported by the 'summary' field."],
      ['summary ~ "crash', "Error in the JQL Query: The quoted string 'crash' has not been completed. (line 1, character 11)"],
      ["project SWB", "Error in the JQL Query: Expecting operator but got 'SWB'. The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'. (line 1, character 9)"],
      ["project = SWB foo", "Error in the JQL Query: Expecting either 'OR' or 'AND' but got 'foo'. (line 1, character 15)"],
    ];
    for (const [jql, message] of cases) {
      const { status, body } = await search(jql);
      expect(status, jql).toBe(400);
      expect(body, jql).toEqual({ errorMessages: [message], errors: {} });
    }
  });

  it("finds users by username prefix, by a word of the full name and by e-mail, active ones only by default (§3)", async () => {
    const find = async (username: string, extra: Record<string, string> = {}) =>
      ((await (await rest(sim, token, "GET", "/rest/api/2/user/search", { query: { username, ...extra } })).json()) as Array<{ name: string }>).map((u) => u.name);
    expect(await find("jd")).toEqual(["jdoe"]);
    expect(await find("Doe")).toEqual(["jdoe"]);
    expect(await find("paul@example.com")).toEqual(["paul"]);
    expect(await find("gone")).toEqual([]);
    expect(await find("gone", { includeInactive: "true" })).toEqual(["gone"]);
  });

  it("shows users in Server's shape (name, key, no accountId) and omits a hidden e-mail address (§3, §3.4)", async () => {
    const users = (await (await rest(sim, token, "GET", "/rest/api/2/user/search", { query: { username: "hidden" } })).json()) as Array<Record<string, unknown>>;
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ name: "hidden", key: "JIRAUSER10003", displayName: "Hidden Email", active: true });
    expect(users[0]).not.toHaveProperty("emailAddress");
    expect(users[0]).not.toHaveProperty("accountId");
  });

  it("refuses a user search without username with 400 (§3)", async () => {
    const response = await rest(sim, token, "GET", "/rest/api/2/user/search");
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errorMessages: ["The username query parameter was not provided"], errors: {} });
  });

  it("gets a user by username, and answers an unknown one with 404 (§3)", async () => {
    const found = await rest(sim, token, "GET", "/rest/api/2/user", { query: { username: "jdoe" } });
    expect(await found.json()).toMatchObject({ name: "jdoe", emailAddress: "jdoe@example.com", groups: { size: 1 } });
    const missing = await rest(sim, token, "GET", "/rest/api/2/user", { query: { username: "nobody" } });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ errorMessages: ["The user named 'nobody' does not exist"], errors: {} });
  });

  it("lists assignable users for an issue (§3)", async () => {
    const response = await rest(sim, token, "GET", "/rest/api/2/user/assignable/search", { query: { issueKey: "SWB-1", username: "p" } });
    expect(((await response.json()) as Array<{ name: string }>).map((u) => u.name)).toEqual(["paul"]);
  });

  it("lists statuses with their categories: To Do, In Progress, Done (§3, §3.4)", async () => {
    const statuses = (await (await rest(sim, token, "GET", "/rest/api/2/status")).json()) as Array<{ id: string; name: string; statusCategory: { key: string; name: string } }>;
    const byName = Object.fromEntries(statuses.map((s) => [s.name, s.statusCategory.name]));
    expect(byName).toMatchObject({ "To Do": "To Do", "In Progress": "In Progress", Done: "Done", Open: "To Do", Resolved: "Done", Closed: "Done" });
    expect(statuses.find((s) => s.name === "In Progress")).toMatchObject({ id: "3", statusCategory: { key: "indeterminate" } });
  });

  it("lists projects and gets one by key; an unknown key is 404 (§3)", async () => {
    const projects = (await (await rest(sim, token, "GET", "/rest/api/2/project")).json()) as Array<{ key: string; id: string }>;
    expect(projects.map((p) => p.key)).toEqual(["SWB", "OPS"]);
    const one = await rest(sim, token, "GET", "/rest/api/2/project/SWB");
    expect(await one.json()).toMatchObject({ key: "SWB", name: "Switchboard", lead: { name: "admin" }, projectTypeKey: "software" });
    const missing = await rest(sim, token, "GET", "/rest/api/2/project/NOPE");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ errorMessages: ["No project could be found with key 'NOPE'."], errors: {} });
  });

  it("serves serverInfo to anonymous callers, as a Server deployment (§3)", async () => {
    const response = await fetch(`${sim.url}/rest/api/2/serverInfo`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ baseUrl: sim.url, deploymentType: "Server", versionNumbers: [9, 12, 2] });
  });
});
