import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpsgenieSimulator, type OpsgenieControl } from "../../simulators/opsgenie/index.js";
import type { StartedSimulator } from "../../simulators/shared/types.js";
import { FIRST_SEEN_CONDITION, REGRESSION_CONDITION } from "../../src/alerts/rule-conditions.js";
import { OPSGENIE_ACTION_ID } from "../../src/alerts/validate-opsgenie-action.js";
import { createProjectKey } from "../../src/store/project-keys.js";
import { createProject } from "../helpers/fixtures.js";
import { apiClient, organizationWithToken } from "../helpers/api-client.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { envelopeOf, exceptionEvent, newEventId } from "../intake/intake-fixture.js";
import { until } from "../helpers/until.js";

let t: TestApp;
let sim: StartedSimulator<OpsgenieControl>;
let api: ReturnType<typeof apiClient>;
let org: { id: number; slug: string; token: string };
let projectCounter = 0;

const accountsPath = () => `/api/0/organizations/${org.slug}/integrations/opsgenie/`;

async function account(name: string, region: "us" | "eu", teamName: string, teamId: string, key: string) {
  const created = await api("POST", accountsPath(), { name, region, apiKey: sim.control.addAccountApiKey({ region }) });
  const put = await api("PUT", `${accountsPath()}${created.body.id}/teams/`, { teamTable: [{ team: teamName, team_id: teamId, integration_key: key }] });
  expect(put.status).toBe(200);
  return { id: put.body.id as string, team: put.body.teamTable[0].id as string };
}

/** A fresh project with a DSN key and one rule per `rules` entry. */
async function projectWithRules(rules: Array<{ conditions: string[]; account: { id: string; team: string }; priority?: string }>) {
  const slug = `alerts-${++projectCounter}`;
  const project = await createProject(t.app.store.db, org.id, slug);
  const key = await createProjectKey(t.app.store.db, project.id);
  const ruleIds: string[] = [];
  for (const [i, r] of rules.entries()) {
    const res = await api("POST", `/api/0/projects/${org.slug}/${slug}/rules/`, {
      name: `rule ${i}`,
      conditions: r.conditions.map((id) => ({ id })),
      actions: [{ id: OPSGENIE_ACTION_ID, account: r.account.id, team: r.account.team, priority: r.priority ?? "P3" }],
    });
    expect(res.status).toBe(201);
    ruleIds.push(res.body.id);
  }
  const send = async (type: string, fn = "handler") => {
    const response = await fetch(`${t.url}/api/${project.id}/envelope/`, {
      method: "POST",
      headers: { "content-type": "application/x-sentry-envelope", "x-sentry-auth": `Sentry sentry_key=${key.publicKey}, sentry_version=7` },
      body: envelopeOf(exceptionEvent(newEventId(), type, `${type} happened`, fn, { tags: { environment: "production" }, release: "web@1.0.0" })),
    });
    expect(response.status).toBe(200);
    const group = await t.app.store.db.selectFrom("groups").select("id").where("project_id", "=", project.id).where("title", "=", `${type}: ${type} happened`).executeTakeFirstOrThrow();
    return Number(group.id);
  };
  const rule = async (id: string) => (await api("GET", `/api/0/projects/${org.slug}/${slug}/rules/${id}/`)).body;
  return { project, slug, ruleIds, send, rule };
}

const alertPosts = (alias: string, prefix = "") => sim.server.requests.filter((r) => r.method === "POST" && r.path === `${prefix}/v2/alerts` && JSON.parse(r.body).alias === alias);

const settle = () => new Promise((r) => setTimeout(r, 400));
const usKey = () => sim.credentials.OPSGENIE_INTEGRATION_KEY as string;

let us: { id: string; team: string };

beforeAll(async () => {
  sim = await startOpsgenieSimulator({ port: 0 });
  t = await startTestApp({ workers: true, env: { OPSGENIE_API_URL: sim.url, OPSGENIE_EU_API_URL: `${sim.url}/eu/`, OPSGENIE_TIMEOUT_MS: "2000" } });
  org = await organizationWithToken(t.app, "og-fire");
  api = apiClient(t.url, org.token);
  us = await account("acme", "us", "Backend", sim.credentials.OPSGENIE_TEAM_ID as string, usKey());
});
afterAll(async () => {
  await t?.close();
  await sim?.stop();
});

describe("Opsgenie alerts from alert rules", () => {
  it("opens exactly one alert for a new issue, to the rule's team with its priority, and records the firing on the rule", async () => {
    const p = await projectWithRules([{ conditions: [FIRST_SEEN_CONDITION], account: us, priority: "P2" }]);
    const groupId = await p.send("FirstError");
    const alias = `sentry: ${groupId}`;
    const alert = await until(() => sim.control.alerts("us").find((a) => a.alias === alias), Boolean);
    expect(alert).toMatchObject({ message: "FirstError: FirstError happened", priority: "P2", source: "Sentry", count: 1 });
    expect(JSON.stringify(alert!.responders)).toContain(sim.credentials.OPSGENIE_TEAM_ID as string);
    const body = JSON.parse(alertPosts(alias)[0]!.body);
    expect(body.details).toMatchObject({ "Sentry ID": String(groupId), "Project ID": p.slug, Level: "error", Release: "web@1.0.0" });
    expect(body.tags).toEqual(expect.arrayContaining(["level:error", "environment:production"]));
    // A second event of the same issue is not new: nothing more is sent.
    expect(await p.send("FirstError")).toBe(groupId);
    await settle();
    expect(alertPosts(alias)).toHaveLength(1);
    const rule = await until(() => p.rule(p.ruleIds[0]!), (r) => r.lastFiredAt !== null);
    expect(rule).toMatchObject({ failureCount: 0, lastError: null });
  });

  it("acknowledges the alert when the issue is resolved, and fires again per rule when it regresses", async () => {
    const p = await projectWithRules([
      { conditions: [FIRST_SEEN_CONDITION, REGRESSION_CONDITION], account: us },
      { conditions: [REGRESSION_CONDITION], account: us, priority: "P1" },
    ]);
    const groupId = await p.send("Regressing");
    const alias = `sentry: ${groupId}`;
    await until(() => sim.control.alerts("us").find((a) => a.alias === alias), Boolean);
    expect(alertPosts(alias)).toHaveLength(1);

    const resolved = await api("PUT", `/api/0/issues/${groupId}/`, { status: "resolved" });
    expect(resolved.status).toBe(200);
    await until(() => sim.control.alert(alias, "alias", "us"), (a) => a.acknowledged === true);
    expect(sim.server.requests.some((r) => r.path === `/v2/alerts/${encodeURIComponent(alias)}/acknowledge` && r.query.identifierType === "alias")).toBe(true);

    await p.send("Regressing");
    const posts = await until(() => alertPosts(alias), (list) => list.length >= 3);
    await settle();
    expect(alertPosts(alias)).toHaveLength(3);
    expect(posts.map((r) => JSON.parse(r.body).priority).sort()).toEqual(["P1", "P3", "P3"]);
  });

  it("sends an EU account's alert to the EU base path", async () => {
    const eu = await account("acme-eu", "eu", "Platform", (await euTeamId()) as string, sim.credentials.OPSGENIE_EU_INTEGRATION_KEY as string);
    const p = await projectWithRules([{ conditions: [FIRST_SEEN_CONDITION], account: eu }]);
    const groupId = await p.send("EuError");
    const alias = `sentry: ${groupId}`;
    await until(() => sim.control.alerts("eu").find((a) => a.alias === alias), Boolean);
    expect(alertPosts(alias, "/eu")).toHaveLength(1);
    expect(alertPosts(alias)).toHaveLength(0);
  });

  it("records a refused key on the rule (last error, failure count) without retrying", async () => {
    const key = sim.control.addIntegrationKey({ team: "Backend", type: "Sentry", configurationAccess: true });
    const acc = await account("soon-disabled", "us", "Backend", sim.credentials.OPSGENIE_TEAM_ID as string, key);
    const p = await projectWithRules([{ conditions: [FIRST_SEEN_CONDITION], account: acc }]);
    sim.control.setIntegrationEnabled(key, false);
    const groupId = await p.send("Refused");
    const rule = await until(() => p.rule(p.ruleIds[0]!), (r) => r.failureCount > 0);
    expect(rule.lastError).toContain("Opsgenie refused the integration key (HTTP 401)");
    expect(rule.lastFiredAt).toBeNull();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(alertPosts(`sentry: ${groupId}`)).toHaveLength(1);
    expect((await p.rule(p.ruleIds[0]!)).failureCount).toBe(1);
  });

  it("retries with back-off when Opsgenie is unavailable, and still opens one alert", async () => {
    const p = await projectWithRules([{ conditions: [FIRST_SEEN_CONDITION], account: us }]);
    sim.control.rateLimit(1, "/v2/alerts");
    const groupId = await p.send("Throttled");
    const alias = `sentry: ${groupId}`;
    const alert = await until(() => sim.control.alerts("us").find((a) => a.alias === alias), Boolean);
    expect(alert!.count).toBe(1);
    // The first send met the 429; the queue's retry is the second.
    expect(alertPosts(alias)).toHaveLength(2);
    const rule = await until(() => p.rule(p.ruleIds[0]!), (r) => r.lastFiredAt !== null);
    expect(rule).toMatchObject({ failureCount: 0, lastError: null });
  });

  it("never shows or logs an integration key", async () => {
    const accounts = await api("GET", accountsPath());
    const rules = await api("GET", `/api/0/projects/${org.slug}/alerts-1/rules/`);
    for (const key of [usKey(), sim.credentials.OPSGENIE_EU_INTEGRATION_KEY as string]) {
      expect(JSON.stringify(accounts.body)).not.toContain(key);
      expect(JSON.stringify(rules.body)).not.toContain(key);
      expect(t.logs.join("\n")).not.toContain(key);
    }
  });
});

async function euTeamId(): Promise<string | undefined> {
  const res = await fetch(`${sim.url}/eu/v2/teams/Platform?identifierType=name`, { headers: { authorization: `GenieKey ${sim.credentials.OPSGENIE_EU_INTEGRATION_KEY}` } });
  return ((await res.json()) as { data?: { id: string } }).data?.id;
}
