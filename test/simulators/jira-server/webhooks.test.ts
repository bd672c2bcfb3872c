import type OAuth from "oauth-1.0a";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startJiraServerSimulator } from "../../../simulators/jira-server/index.js";
import { accessToken, rest, startReceiver, type JiraSim, type Receiver } from "./helpers.js";

interface Delivered {
  timestamp: number;
  webhookEvent: string;
  issue_event_type_name: string;
  user: { name: string; key: string };
  issue: {
    id: string;
    key: string;
    fields: {
      assignee: { name: string; key: string; emailAddress?: string; displayName: string } | null;
      status: { id: string; name: string; statusCategory: { key: string } };
      project: { key: string };
    };
  };
  changelog?: { id: string; items: Array<Record<string, unknown>> };
  comment?: { body: string };
}

// Sentry's registration (sentry-behaviour §9.2): the URL carries an HS256 JWT naming the integration.
const JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpZCI6ImppcmEtMTIzIn0.c2lnbmF0dXJl";

describe("Jira Server simulator: webhook registration and issue deliveries (provider-contracts §3.4, sentry-behaviour §9)", () => {
  let sim: JiraSim;
  let receiver: Receiver;
  let token: OAuth.Token;
  const hookPath = `/extensions/jira-server/issue-updated/${JWT}/`;

  beforeAll(async () => {
    receiver = await startReceiver();
    sim = await startJiraServerSimulator();
  });
  afterAll(async () => {
    await sim.stop();
    await receiver.close();
  });
  beforeEach(() => {
    sim.server.reset();
    receiver.received.length = 0;
    receiver.status = 200;
    token = accessToken(sim);
    sim.control.addUser({ name: "hidden", displayName: "Hidden Email", emailAddress: null });
  });

  const register = (body: unknown = { name: "Sentry Issue Sync", url: `${receiver.url}${hookPath}`, events: ["jira:issue_created", "jira:issue_updated"] }, as = token) =>
    rest(sim, as, "POST", "/rest/webhooks/1.0/webhook", { json: body });
  const delivered = (i: number) => JSON.parse(receiver.received[i]?.body ?? "null") as Delivered;
  const issueKey = async () => (await sim.control.createIssue({ project: "SWB", summary: "Crash on save" })).key;

  it("registers Sentry's webhook: 201 with self, enabled, events and an empty JQL filter (§3.4)", async () => {
    const response = await register();
    expect(response.status).toBe(201);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({
      name: "Sentry Issue Sync",
      url: `${receiver.url}${hookPath}`,
      excludeBody: false,
      filters: { "issue-related-events-section": "" },
      events: ["jira:issue_created", "jira:issue_updated"],
      enabled: true,
      self: `${sim.url}/rest/webhooks/1.0/webhook/1`,
      lastUpdatedUser: "JIRAUSER10000",
      lastUpdatedDisplayName: "Administrator",
      lastUpdated: expect.any(Number),
    });
    expect(response.headers.get("location")).toBe(`${sim.url}/rest/webhooks/1.0/webhook/1`);
  });

  it("lists, gets and deletes webhooks; a deleted one is 404 (§3.4)", async () => {
    await register();
    const list = (await (await rest(sim, token, "GET", "/rest/webhooks/1.0/webhook")).json()) as Array<{ self: string }>;
    expect(list).toHaveLength(1);
    expect((await rest(sim, token, "GET", "/rest/webhooks/1.0/webhook/1")).status).toBe(200);
    expect((await rest(sim, token, "DELETE", "/rest/webhooks/1.0/webhook/1")).status).toBe(204);
    expect((await rest(sim, token, "GET", "/rest/webhooks/1.0/webhook/1")).status).toBe(404);
    expect(await (await rest(sim, token, "GET", "/rest/webhooks/1.0/webhook")).json()).toEqual([]);
  });

  it("lets only Jira administrators register webhooks (§3.4)", async () => {
    const response = await register(undefined, accessToken(sim, "jdoe"));
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ message: "Client must be authenticated as an administrator to access this resource.", "status-code": 403 });
  });

  it("refuses a JQL filter naming a project that does not exist (§3.4)", async () => {
    const response = await register({ name: "x", url: `${receiver.url}/x`, events: ["jira:issue_updated"], filters: { "issue-related-events-section": "project = NOPE" } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: Record<string, string> }).errors).toEqual({ filters: "The value 'NOPE' does not exist for the field 'project'." });
  });

  it("refuses a registration without url and with an unknown event (§3.4)", async () => {
    const response = await register({ name: "x", events: ["jira:issue_exploded"] });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: Record<string, string> }).errors).toEqual({
      url: "The webhook URL must not be empty.",
      events: "Unknown webhook event(s): jira:issue_exploded.",
    });
  });

  it("delivers jira:issue_updated to the URL as registered, token in the path, acting user appended, unsigned (§3.4)", async () => {
    await register();
    const key = await issueKey();
    receiver.received.length = 0;
    expect((await rest(sim, token, "PUT", `/rest/api/2/issue/${key}/assignee`, { json: { name: "jdoe" } })).status).toBe(204);
    await receiver.waitFor(1);
    const { path, headers } = receiver.received[0]!;
    expect(path).toBe(`${hookPath}?user_id=admin&user_key=JIRAUSER10000`);
    expect(headers["content-type"]).toBe("application/json; charset=UTF-8");
    expect(headers["user-agent"]).toMatch(/^Atlassian HttpClient/);
    expect(Object.keys(headers).filter((h) => /signature|hmac|authorization/i.test(h))).toEqual([]);
  });

  it("describes an assignment: issue_assigned, changelog assignee item by user key, current assignee with e-mail (§3.4, sentry-behaviour §9.4)", async () => {
    await register();
    const key = await issueKey();
    receiver.received.length = 0;
    await rest(sim, token, "PUT", `/rest/api/2/issue/${key}/assignee`, { json: { name: "jdoe" } });
    await receiver.waitFor(1);
    const body = delivered(0);
    expect(body).toMatchObject({ webhookEvent: "jira:issue_updated", issue_event_type_name: "issue_assigned", user: { name: "admin", key: "JIRAUSER10000" } });
    expect(body.timestamp).toBeGreaterThan(1_600_000_000_000);
    expect(body.issue).toMatchObject({ key, fields: { assignee: { name: "jdoe", key: "JIRAUSER10001", emailAddress: "jdoe@example.com", displayName: "John Doe" }, status: { name: "To Do" }, project: { key: "SWB" } } });
    expect(body.changelog?.id).toMatch(/^\d+$/);
    expect(body.changelog?.items).toEqual([{ field: "assignee", fieldtype: "jira", from: null, fromString: null, to: "JIRAUSER10001", toString: "John Doe" }]);
  });

  it("sends a null assignee on unassignment and omits the e-mail of a user who has none (§3.4, sentry-behaviour §9.4)", async () => {
    await register();
    const key = await issueKey();
    await sim.control.assign(key, "hidden");
    await sim.control.assign(key, null, { by: "jdoe" });
    await receiver.waitFor(3);
    const assigned = delivered(1);
    expect(assigned.issue.fields.assignee).toMatchObject({ name: "hidden", displayName: "Hidden Email" });
    expect(assigned.issue.fields.assignee).not.toHaveProperty("emailAddress");
    const unassigned = delivered(2);
    expect(unassigned.user.name).toBe("jdoe");
    expect(unassigned.issue.fields.assignee).toBeNull();
    expect(unassigned.changelog?.items).toEqual([{ field: "assignee", fieldtype: "jira", from: "JIRAUSER10003", fromString: "Hidden Email", to: null, toString: null }]);
  });

  it("describes a transition through REST: status item with ids and names, the status category, the resolution (§3.4, sentry-behaviour §9.5)", async () => {
    await register();
    const key = await issueKey();
    receiver.received.length = 0;
    await rest(sim, token, "POST", `/rest/api/2/issue/${key}/transitions`, { json: { transition: { id: "31" } } });
    await receiver.waitFor(1);
    const body = delivered(0);
    expect(body.issue_event_type_name).toBe("issue_generic");
    expect(body.issue.fields.status).toMatchObject({ id: "10001", name: "Done", statusCategory: { key: "done" } });
    expect(body.changelog?.items).toEqual([
      { field: "resolution", fieldtype: "jira", from: null, fromString: null, to: "10000", toString: "Done" },
      { field: "status", fieldtype: "jira", from: "10000", fromString: "To Do", to: "10001", toString: "Done" },
    ]);
  });

  it("fires the classic workflow's own events on control transitions (§3.4)", async () => {
    sim.control.addProject({ key: "CLS", workflow: "classic" });
    await register();
    const { key } = await sim.control.createIssue({ project: "CLS", summary: "Old" });
    await sim.control.transition(key, "Resolved");
    await sim.control.transition(key, "Reopened");
    expect(receiver.received.map((r) => (JSON.parse(r.body) as Delivered).issue_event_type_name)).toEqual(["issue_created", "issue_resolved", "issue_reopened"]);
  });

  it("delivers jira:issue_created without a changelog, and a comment without one (§3.4, sentry-behaviour §9.3)", async () => {
    await register();
    const key = await issueKey();
    await sim.control.comment(key, "Seen again");
    expect(delivered(0)).toMatchObject({ webhookEvent: "jira:issue_created", issue_event_type_name: "issue_created" });
    expect(delivered(0)).not.toHaveProperty("changelog");
    expect(delivered(1)).toMatchObject({ webhookEvent: "jira:issue_updated", issue_event_type_name: "issue_commented", comment: { body: "Seen again" } });
    expect(delivered(1)).not.toHaveProperty("changelog");
  });

  it("delivers only the events a webhook subscribed to, only for issues its JQL filter matches, and not when disabled (§3.4)", async () => {
    sim.control.addProject({ key: "OPS" });
    expect((await register({ name: "created only", url: `${receiver.url}/created`, events: ["jira:issue_created"] })).status).toBe(201);
    expect((await register({ name: "ops only", url: `${receiver.url}/ops`, events: ["jira:issue_updated"], filters: { "issue-related-events-section": "project = OPS" } })).status).toBe(201);
    const swb = await issueKey();
    await sim.control.assign(swb, "jdoe");
    const ops = (await sim.control.createIssue({ project: "OPS", summary: "Disk" })).key;
    await sim.control.assign(ops, "jdoe");
    sim.control.setWebhookEnabled(2, false);
    await sim.control.assign(ops, "paul");
    expect(receiver.received.map((r) => r.path.split("?")[0])).toEqual(["/created", "/created", "/ops"]);
  });

  it("makes no change and sends nothing when the assignee is already that user (§3.4)", async () => {
    await register();
    const key = await issueKey();
    await sim.control.assign(key, "jdoe");
    expect(await sim.control.assign(key, "jdoe")).toEqual([]);
    expect(receiver.received).toHaveLength(2);
  });

  it("also sends every delivery to the webhook target when one is set (§3.4)", async () => {
    await register();
    sim.control.setWebhookTarget(`${receiver.url}/target/`);
    const key = await issueKey();
    expect(receiver.received.map((r) => r.path)).toEqual([`${hookPath}?user_id=admin&user_key=JIRAUSER10000`, "/target/?user_id=admin&user_key=JIRAUSER10000"]);
    expect(receiver.received[1]?.body).toBe(receiver.received[0]?.body);
    expect(key).toBe("SWB-1");
  });

  it("holds deliveries and releases them in reverse, each carrying the issue as it was at its change (§3.4)", async () => {
    await register();
    const key = await issueKey();
    sim.control.holdDeliveries();
    await sim.control.assign(key, "jdoe");
    await sim.control.assign(key, "paul");
    expect(sim.control.heldDeliveries()).toBe(2);
    await sim.control.releaseDeliveries("reverse");
    const [late, early] = [delivered(1), delivered(2)];
    expect(late.issue.fields.assignee?.name).toBe("paul");
    expect(early.issue.fields.assignee?.name).toBe("jdoe");
    expect(Number(late.changelog?.id)).toBeGreaterThan(Number(early.changelog?.id));
    expect(late.timestamp).toBeGreaterThanOrEqual(early.timestamp);
  });

  it("does not retry a delivery the receiver refused, but can resend it on request (§3.4)", async () => {
    await register();
    receiver.status = 500;
    const key = await issueKey();
    const deliveries = await sim.control.assign(key, "jdoe");
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]?.status).toBe(500);
    expect(receiver.received).toHaveLength(2);
    receiver.status = 200;
    const again = await sim.control.redeliver(-1);
    expect(again?.status).toBe(200);
    expect(receiver.received[2]?.body).toBe(receiver.received[1]?.body);
  });
});
