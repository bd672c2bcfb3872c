import type OAuth from "oauth-1.0a";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startJiraServerSimulator } from "../../../simulators/jira-server/index.js";
import { accessToken, rest, signedFetch, type JiraSim } from "./helpers.js";

interface IssueJson {
  id: string;
  key: string;
  self: string;
  fields: Record<string, unknown> & {
    summary: string;
    assignee: { name: string; key: string; emailAddress?: string; displayName: string } | null;
    status: { id: string; name: string; statusCategory: { key: string; name: string } };
    resolution: { name: string } | null;
  };
  changelog?: { histories: Array<{ id: string; author: { name: string }; items: Array<Record<string, unknown>> }> };
}

describe("Jira Server simulator: issues through REST API v2 (provider-contracts §3)", () => {
  let sim: JiraSim;
  let token: OAuth.Token;

  beforeAll(async () => {
    sim = await startJiraServerSimulator();
  });
  afterAll(() => sim.stop());
  beforeEach(() => {
    sim.server.reset();
    token = accessToken(sim);
  });

  const create = (fields: Record<string, unknown>) => rest(sim, token, "POST", "/rest/api/2/issue", { json: { fields } });
  const newIssue = async (summary = "Crash on save"): Promise<string> => {
    const response = await create({ project: { key: "SWB" }, summary, description: "TypeError in save()", issuetype: { name: "Bug" } });
    return ((await response.json()) as { key: string }).key;
  };
  const get = async (key: string, query?: Record<string, string>) => (await (await rest(sim, token, "GET", `/rest/api/2/issue/${key}`, { query })).json()) as IssueJson;

  it("creates an issue: 201 with id, key and self; keys count up per project (§3)", async () => {
    const response = await create({ project: { key: "SWB" }, summary: "Crash on save", description: "Stack trace", issuetype: { name: "Bug" } });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { id: string; key: string; self: string };
    expect(body).toEqual({ id: "10000", key: "SWB-1", self: `${sim.url}/rest/api/2/issue/10000` });
    expect(await newIssue("Second")).toBe("SWB-2");
  });

  it("gets an issue in Jira's shape: status with its category, reporter, no assignee yet (§3, §3.4)", async () => {
    const key = await newIssue();
    const issue = await get(key);
    expect(issue).toMatchObject({ key, self: `${sim.url}/rest/api/2/issue/${issue.id}` });
    expect(issue.fields).toMatchObject({
      summary: "Crash on save",
      description: "TypeError in save()",
      assignee: null,
      resolution: null,
      issuetype: { name: "Bug", subtask: false },
      project: { key: "SWB", name: "Switchboard" },
      reporter: { name: "admin", key: "JIRAUSER10000", emailAddress: "admin@example.com" },
      status: { id: "10000", name: "To Do", statusCategory: { key: "new", name: "To Do" } },
      priority: { name: "Medium" },
    });
    expect(issue.fields.created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/);
  });

  it("returns only the fields asked for with fields= (§3)", async () => {
    const key = await newIssue();
    expect(Object.keys((await get(key, { fields: "summary,status" })).fields)).toEqual(["status", "summary"]);
  });

  it("answers an unknown issue with 404 'Issue Does Not Exist' (§3)", async () => {
    const response = await rest(sim, token, "GET", "/rest/api/2/issue/SWB-99");
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ errorMessages: ["Issue Does Not Exist"], errors: {} });
  });

  it("refuses a create without project, summary and issue type, listing each field (§3)", async () => {
    const response = await create({ description: "only this" });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errorMessages: [],
      errors: { project: "project is required", issuetype: "issue type is required", summary: "You must specify a summary of the issue." },
    });
  });

  it("refuses an unknown project, issue type and field with Jira's messages (§3)", async () => {
    const response = await create({ project: { key: "NOPE" }, summary: "x", issuetype: { name: "Gizmo" }, customfield_10010: "y" });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: Record<string, string> }).errors).toEqual({
      customfield_10010: "Field 'customfield_10010' cannot be set. It is not on the appropriate screen, or unknown.",
      project: "valid project is required",
      issuetype: "valid issue type is required",
    });
  });

  it("answers a create that is not JSON with 415 (§3)", async () => {
    const response = await rest(sim, token, "POST", "/rest/api/2/issue", { form: { summary: "x" } });
    expect(response.status).toBe(415);
  });

  it("assigns with PUT .../assignee {name}: 204, and the issue shows the assignee with e-mail (§3)", async () => {
    const key = await newIssue();
    const response = await rest(sim, token, "PUT", `/rest/api/2/issue/${key}/assignee`, { json: { name: "jdoe" } });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
    expect((await get(key)).fields.assignee).toMatchObject({ name: "jdoe", key: "JIRAUSER10001", emailAddress: "jdoe@example.com", displayName: "John Doe", active: true });
  });

  it("refuses an unknown assignee with 400 and Jira's error body, leaving the issue as it was (§3)", async () => {
    const key = await newIssue();
    const response = await rest(sim, token, "PUT", `/rest/api/2/issue/${key}/assignee`, { json: { name: "ghost" } });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errorMessages: [], errors: { assignee: "User 'ghost' does not exist." } });
    expect((await get(key)).fields.assignee).toBeNull();
  });

  it("refuses an inactive user as assignee (§3)", async () => {
    sim.control.setUserActive("paul", false);
    const key = await newIssue();
    const response = await rest(sim, token, "PUT", `/rest/api/2/issue/${key}/assignee`, { json: { name: "paul" } });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errorMessages: [], errors: { assignee: "User 'paul' cannot be assigned issues." } });
  });

  it("unassigns with {name: null} and records both changes in the changelog (§3, §3.4)", async () => {
    const key = await newIssue();
    await rest(sim, token, "PUT", `/rest/api/2/issue/${key}/assignee`, { json: { name: "jdoe" } });
    expect((await rest(sim, token, "PUT", `/rest/api/2/issue/${key}/assignee`, { json: { name: null } })).status).toBe(204);
    const issue = await get(key, { expand: "changelog" });
    expect(issue.fields.assignee).toBeNull();
    expect(issue.changelog?.histories.map((h) => h.items)).toEqual([
      [{ field: "assignee", fieldtype: "jira", from: null, fromString: null, to: "JIRAUSER10001", toString: "John Doe" }],
      [{ field: "assignee", fieldtype: "jira", from: "JIRAUSER10001", fromString: "John Doe", to: null, toString: null }],
    ]);
  });

  it("lists the transitions the simplified workflow offers from the current status (§3)", async () => {
    const key = await newIssue();
    const response = await rest(sim, token, "GET", `/rest/api/2/issue/${key}/transitions`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { expand: string; transitions: Array<{ id: string; name: string; to: { name: string; statusCategory: { key: string } } }> };
    expect(body.expand).toBe("transitions");
    expect(body.transitions.map((t) => [t.id, t.name, t.to.name, t.to.statusCategory.key])).toEqual([
      ["21", "In Progress", "In Progress", "indeterminate"],
      ["31", "Done", "Done", "done"],
    ]);
  });

  it("performs a transition: 204, the status moves and Done sets the resolution (§3)", async () => {
    const key = await newIssue();
    expect((await rest(sim, token, "POST", `/rest/api/2/issue/${key}/transitions`, { json: { transition: { id: "31" } } })).status).toBe(204);
    const issue = await get(key, { expand: "changelog" });
    expect(issue.fields.status).toMatchObject({ id: "10001", name: "Done", statusCategory: { key: "done" } });
    expect(issue.fields.resolution).toMatchObject({ name: "Done" });
    expect(issue.changelog?.histories[0]?.items).toEqual([
      { field: "resolution", fieldtype: "jira", from: null, fromString: null, to: "10000", toString: "Done" },
      { field: "status", fieldtype: "jira", from: "10000", fromString: "To Do", to: "10001", toString: "Done" },
    ]);
    await rest(sim, token, "POST", `/rest/api/2/issue/${key}/transitions`, { json: { transition: { id: "11" } } });
    expect((await get(key)).fields.resolution).toBeNull();
  });

  it("refuses a transition id the workflow does not have, and a missing one, with Jira's messages (§3)", async () => {
    const key = await newIssue();
    const unknown = await rest(sim, token, "POST", `/rest/api/2/issue/${key}/transitions`, { json: { transition: { id: "999" } } });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ errorMessages: ["Transition id '999' is not valid for this issue."], errors: {} });
    const missing = await rest(sim, token, "POST", `/rest/api/2/issue/${key}/transitions`, { json: {} });
    expect(await missing.json()).toEqual({ errorMessages: ["Missing 'transition' identifier"], errors: {} });
  });

  it("refuses a transition not available from the current status in the classic workflow (§3)", async () => {
    sim.control.addProject({ key: "CLS", name: "Classic", workflow: "classic" });
    const created = await create({ project: { key: "CLS" }, summary: "Old style", issuetype: { name: "Task" } });
    const { key } = (await created.json()) as { key: string };
    const transitions = (await (await rest(sim, token, "GET", `/rest/api/2/issue/${key}/transitions`)).json()) as { transitions: Array<{ name: string }> };
    expect(transitions.transitions.map((t) => t.name)).toEqual(["Start Progress", "Resolve Issue", "Close Issue"]);
    const reopen = await rest(sim, token, "POST", `/rest/api/2/issue/${key}/transitions`, { json: { transition: { id: "3" } } });
    expect(reopen.status).toBe(400);
    expect(((await reopen.json()) as { errorMessages: string[] }).errorMessages[0]).toBe(
      `It seems that you have tried to perform a workflow operation (Reopen Issue) that is not valid for the current state of this issue (${key}). The likely cause is that somebody has changed the issue recently, please look at the issue history for details.`,
    );
  });

  it("adds and lists comments; an empty body is refused (§3)", async () => {
    const key = await newIssue();
    const added = await rest(sim, token, "POST", `/rest/api/2/issue/${key}/comment`, { json: { body: "Linked from Switchboard" } });
    expect(added.status).toBe(201);
    expect(await added.json()).toMatchObject({ id: "10000", body: "Linked from Switchboard", author: { name: "admin" } });
    const list = (await (await rest(sim, token, "GET", `/rest/api/2/issue/${key}/comment`)).json()) as { total: number };
    expect(list.total).toBe(1);
    const empty = await rest(sim, token, "POST", `/rest/api/2/issue/${key}/comment`, { json: { body: " " } });
    expect(await empty.json()).toEqual({ errorMessages: [], errors: { comment: "Comment body can not be empty!" } });
  });

  it("answers an unknown REST path with the Atlassian REST plugin's 404 body", async () => {
    const response = await signedFetch(sim, { path: "/rest/api/2/nothing-here", token });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: `null for uri: ${sim.url}/rest/api/2/nothing-here`, "status-code": 404 });
  });
});
