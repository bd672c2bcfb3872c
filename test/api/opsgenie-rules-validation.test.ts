import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startOpsgenieSimulator, type OpsgenieControl } from "../../simulators/opsgenie/index.js";
import type { StartedSimulator } from "../../simulators/shared/types.js";
import { INVALID_KEY_MESSAGE, OPSGENIE_ACTION_ID } from "../../src/alerts/validate-opsgenie-action.js";
import { FIRST_SEEN_CONDITION, REGRESSION_CONDITION } from "../../src/alerts/rule-conditions.js";
import { createProject } from "../helpers/fixtures.js";
import { apiClient, organizationWithToken } from "../helpers/api-client.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";

let t: TestApp;
let sim: StartedSimulator<OpsgenieControl>;
let api: ReturnType<typeof apiClient>;
let org: { id: number; slug: string; token: string };
let projectSlug: string;
let account: { id: string; teamTable: Array<{ id: string; team: string }> };
let teamRow: string;

const usKey = () => sim.credentials.OPSGENIE_INTEGRATION_KEY as string;
const accountsPath = () => `/api/0/organizations/${org.slug}/integrations/opsgenie/`;
const rulesPath = () => `/api/0/projects/${org.slug}/${projectSlug}/rules/`;
const rule = (action: Record<string, unknown>) => ({ name: "Page backend", conditions: [{ id: FIRST_SEEN_CONDITION }], actions: [{ id: OPSGENIE_ACTION_ID, ...action }] });

async function newAccount(name: string, teams: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) {
  const created = await api("POST", accountsPath(), { name, apiKey: sim.control.addAccountApiKey(), ...extra });
  expect(created.status).toBe(201);
  const put = await api("PUT", `${accountsPath()}${created.body.id}/teams/`, { teamTable: teams });
  expect(put.status).toBe(200);
  return put.body;
}

beforeAll(async () => {
  sim = await startOpsgenieSimulator({ port: 0 });
  t = await startTestApp({ env: { OPSGENIE_API_URL: sim.url, OPSGENIE_EU_API_URL: `${sim.url}/eu`, OPSGENIE_TIMEOUT_MS: "500" } });
  org = await organizationWithToken(t.app, "og-validate");
  const project = await createProject(t.app.store.db, org.id, "backend");
  projectSlug = "backend";
  void project;
  api = apiClient(t.url, org.token);
  account = await newAccount("acme", [{ team: "Backend", team_id: sim.credentials.OPSGENIE_TEAM_ID, integration_key: usKey() }]);
  teamRow = account.teamTable[0]!.id;
});
afterAll(async () => {
  await t?.close();
  await sim?.stop();
});
beforeEach(() => sim.server.faults.clear());

describe("Opsgenie accounts API", () => {
  it("lists accounts with their team tables and masks every key", async () => {
    const list = await api("GET", accountsPath());
    expect(list.status).toBe(200);
    const acme = list.body.find((a: { name: string }) => a.name === "acme");
    expect(acme).toMatchObject({ provider: { key: "opsgenie" }, region: "us", baseUrl: sim.url, teamTable: [{ id: teamRow, team: "Backend", team_id: sim.credentials.OPSGENIE_TEAM_ID }] });
    expect(acme.teamTable[0].integration_key).toBe(`********${usKey().slice(-4)}`);
    expect(JSON.stringify(list.body)).not.toContain(usKey());
  });

  it("stores integration keys sealed", async () => {
    const row = await t.app.store.db.selectFrom("organization_integrations").select("config").where("organization_id", "=", org.id).execute();
    expect(row.map((r) => r.config).join()).not.toContain(usKey());
    expect(row.map((r) => r.config).join()).toContain("sealed:v1:");
  });

  it("keeps a row's stored key when the table is sent back with its id and no key", async () => {
    const again = await api("PUT", `${accountsPath()}${account.id}/teams/`, { teamTable: [{ id: teamRow, team: "Backend", team_id: sim.credentials.OPSGENIE_TEAM_ID }] });
    expect(again.status).toBe(200);
    expect(again.body.teamTable[0].integration_key).toBe(`********${usKey().slice(-4)}`);
  });

  it("looks a team id up by name with the account's API key when none is given", async () => {
    const created = await newAccount("by-name", [{ team: "Backend", integration_key: usKey() }]);
    expect(created.teamTable[0].team_id).toBe(sim.credentials.OPSGENIE_TEAM_ID);
    const unknown = await api("PUT", `${accountsPath()}${created.id}/teams/`, { teamTable: [{ team: "Nobody", integration_key: usKey() }] });
    expect(unknown.status).toBe(400);
    expect(unknown.body["teamTable.0.team_id"][0]).toContain('no team named "Nobody"');
  });

  it("says so by field when Opsgenie refuses the account's API key during a team look-up", async () => {
    const created = await api("POST", accountsPath(), { name: "bad-api-key", apiKey: "5b9c8f8e-3333-4000-8000-000000000000" });
    const res = await api("PUT", `${accountsPath()}${created.body.id}/teams/`, { teamTable: [{ team: "Backend", integration_key: usKey() }] });
    expect(res.status).toBe(400);
    expect(res.headers.get("x-error-code")).toBe("opsgenie_invalid_key");
    expect(res.body["teamTable.0.team_id"][0]).toContain("refused the account's API key");
  });

  it("refuses a team table without a key, with a team listed twice, and an account without a key or with a disallowed base URL", async () => {
    const noKey = await api("PUT", `${accountsPath()}${account.id}/teams/`, { teamTable: [{ team: "New", team_id: "x" }] });
    expect(noKey.status).toBe(400);
    expect(noKey.body).toHaveProperty("teamTable.0.integration_key");
    const twice = await api("PUT", `${accountsPath()}${account.id}/teams/`, { teamTable: [{ team: "A", team_id: "x", integration_key: "k" }, { team: "a", team_id: "y", integration_key: "k" }] });
    expect(twice.status).toBe(400);
    expect((await api("POST", accountsPath(), { name: "x" })).status).toBe(400);
    const metadata = await api("POST", accountsPath(), { name: "x", apiKey: "k", baseUrl: "http://169.254.169.254/" });
    expect(metadata.status).toBe(400);
    expect(metadata.body).toHaveProperty("baseUrl");
  });

  it("answers 404 for another organization's account", async () => {
    const other = await organizationWithToken(t.app, "og-other");
    const res = await apiClient(t.url, other.token)("PUT", `/api/0/organizations/og-other/integrations/opsgenie/${account.id}/teams/`, { teamTable: [] });
    expect(res.status).toBe(404);
  });
});

describe("Opsgenie rule action validation (§7.3, D14)", () => {
  it("accepts a valid team (VALID_TEAM) after checking its key live, and labels the action as Sentry does", async () => {
    const res = await api("POST", rulesPath(), rule({ account: account.id, team: teamRow, priority: "P2" }));
    expect(res.status).toBe(201);
    expect(res.body.actions[0]).toMatchObject({ account: account.id, team: teamRow, priority: "P2", name: "Send a notification to Opsgenie account acme and team Backend with P2 priority" });
    expect(res.body.conditions).toEqual([{ id: FIRST_SEEN_CONDITION, name: "A new issue is created" }]);
    expect(sim.server.requests.at(-1)).toMatchObject({ path: "/v2/integrations/authenticate", body: JSON.stringify({ type: "sentry" }) });
    expect((await api("GET", `${rulesPath()}${res.body.id}/`)).body).toMatchObject({ id: res.body.id, lastFiredAt: null, failureCount: 0 });
  });

  it("refuses an account the organization does not have: The Opsgenie integration does not exist.", async () => {
    const res = await api("POST", rulesPath(), rule({ account: "999999", team: teamRow }));
    expect(res.status).toBe(400);
    expect(res.headers.get("x-error-code")).toBe("invalid_integration");
    expect(res.body).toEqual({ actions: ["The Opsgenie integration does not exist."], "actions.0.account": ["The Opsgenie integration does not exist."] });
  });

  it("refuses a non-numeric account: Invalid account", async () => {
    const res = await api("POST", rulesPath(), rule({ account: "abc", team: teamRow }));
    expect(res.status).toBe(400);
    expect(res.body.actions).toEqual(["Invalid account"]);
  });

  it("refuses a team of another account with Sentry's invalid_team message (INVALID_TEAM)", async () => {
    const other = await newAccount("globex", [{ team: "Ops", team_id: "ops-id", integration_key: usKey() }]);
    const res = await api("POST", rulesPath(), rule({ account: account.id, team: other.teamTable[0].id }));
    expect(res.status).toBe(400);
    expect(res.headers.get("x-error-code")).toBe("invalid_team");
    expect(res.body.actions).toEqual(['The team "Ops" does not belong to the acme Opsgenie account.']);
    expect(res.body["actions.0.team"]).toEqual(res.body.actions);
  });

  it.each([
    ["an unknown key (401)", () => "5b9c8f8e-2222-4000-8000-000000000000"],
    ["a key without configuration access (403)", () => sim.control.addIntegrationKey({ team: "Backend", type: "Sentry", configurationAccess: false })],
    ["a key of another integration type (422)", () => sim.control.addIntegrationKey({ team: "Backend", type: "API", configurationAccess: true })],
    ["a malformed key (422)", () => "not-a-uuid"],
  ])("refuses %s as invalid_key with a clean message (INVALID_KEY)", async (_label, key) => {
    const acc = await newAccount(`keyed-${Math.random().toString(36).slice(2, 7)}`, [{ team: "Backend", team_id: sim.credentials.OPSGENIE_TEAM_ID, integration_key: key() }]);
    const res = await api("POST", rulesPath(), rule({ account: acc.id, team: acc.teamTable[0].id }));
    expect(res.status).toBe(400);
    expect(res.headers.get("x-error-code")).toBe("invalid_key");
    expect(res.body).toEqual({ actions: [INVALID_KEY_MESSAGE], "actions.0.team": [INVALID_KEY_MESSAGE] });
    expect(INVALID_KEY_MESSAGE).not.toMatch(/\s{2,}/);
  });

  it.each([
    ["Opsgenie failing (500)", () => sim.server.faults.add({ count: 1, status: 500 }), "Opsgenie could not be reached (HTTP 500); try again"],
    ["Opsgenie rate-limiting (429)", () => sim.control.rateLimit(1), "Opsgenie could not be reached (HTTP 429); try again"],
    ["Opsgenie not answering in time", () => sim.server.faults.add({ count: 1, delayMs: 1_500 }), "Opsgenie could not be reached (timeout); try again"],
  ])("answers %s with a distinct could-not-reach error, not invalid_key", async (_label, inject, message) => {
    inject();
    const res = await api("POST", rulesPath(), rule({ account: account.id, team: teamRow }));
    expect(res.status).toBe(503);
    expect(res.headers.get("x-error-code")).toBe("opsgenie_unavailable");
    expect(res.body).toEqual({ actions: [message], "actions.0.team": [message] });
  });

  it("refuses a removed integration, and shows existing rules' actions as [removed]", async () => {
    const acc = await newAccount("to-remove", [{ team: "Backend", team_id: sim.credentials.OPSGENIE_TEAM_ID, integration_key: usKey() }]);
    const created = await api("POST", rulesPath(), rule({ account: acc.id, team: acc.teamTable[0].id }));
    expect(created.status).toBe(201);
    expect((await api("DELETE", `${accountsPath()}${acc.id}/`)).status).toBe(204);
    expect((await api("GET", accountsPath())).body.map((a: { id: string }) => a.id)).not.toContain(acc.id);
    const res = await api("POST", rulesPath(), rule({ account: acc.id, team: acc.teamTable[0].id }));
    expect(res.status).toBe(400);
    expect(res.body.actions).toEqual(["The Opsgenie integration does not exist."]);
    const kept = await api("GET", `${rulesPath()}${created.body.id}/`);
    expect(kept.body.actions[0].name).toBe("Send a notification to Opsgenie account [removed] and team [removed] with P3 priority");
  });

  it("refuses unknown conditions, actions and priorities by field", async () => {
    const badCondition = await api("POST", rulesPath(), { ...rule({ account: account.id, team: teamRow }), conditions: [{ id: "sentry.rules.conditions.every_event.EveryEventCondition" }] });
    expect(badCondition.status).toBe(400);
    expect(badCondition.body).toHaveProperty("conditions.0.id");
    const badPriority = await api("POST", rulesPath(), rule({ account: account.id, team: teamRow, priority: "P9" }));
    expect(badPriority.status).toBe(400);
    expect(badPriority.body).toHaveProperty("actions.0.priority");
    const noActions = await api("POST", rulesPath(), { name: "x", conditions: [{ id: FIRST_SEEN_CONDITION }], actions: [] });
    expect(noActions.status).toBe(400);
  });

  it("updates and deletes a rule; a deleted rule is gone from the list", async () => {
    const created = await api("POST", rulesPath(), rule({ account: account.id, team: teamRow }));
    const put = await api("PUT", `${rulesPath()}${created.body.id}/`, { ...rule({ account: account.id, team: teamRow, priority: "P1" }), name: "Renamed", conditions: [{ id: REGRESSION_CONDITION }] });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ name: "Renamed", conditions: [{ id: REGRESSION_CONDITION }], actions: [{ priority: "P1" }] });
    expect((await api("DELETE", `${rulesPath()}${created.body.id}/`)).status).toBe(202);
    expect((await api("GET", `${rulesPath()}${created.body.id}/`)).status).toBe(404);
    expect((await api("GET", rulesPath())).body.map((r: { id: string }) => r.id)).not.toContain(created.body.id);
  });

  it("never writes an integration key to a log line", () => {
    expect(t.logs.join("\n")).not.toContain(usKey());
  });
});
