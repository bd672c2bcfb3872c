import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startOpsgenieSimulator, type OpsgenieControl } from "../../../simulators/opsgenie/index.js";
import type { StartedSimulator } from "../../../simulators/shared/types.js";

type Json = Record<string, unknown>;

describe("Opsgenie simulator (provider-contracts §5)", () => {
  let sim: StartedSimulator<OpsgenieControl>;
  let base: string;
  let key: string;

  const call = async (method: string, path: string, body?: unknown, genieKey: string | null = key, root = base) => {
    const headers: Record<string, string> = {};
    if (genieKey !== null) headers.authorization = `GenieKey ${genieKey}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${root}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Json };
  };
  const requestStatus = async (requestId: unknown) => (await call("GET", `v2/alerts/requests/${String(requestId)}`)).body.data as Json;

  beforeAll(async () => {
    sim = await startOpsgenieSimulator();
  });
  afterAll(() => sim.stop());
  beforeEach(async () => {
    await fetch(`${sim.url}/_sim/reset`, { method: "POST" });
    base = sim.credentials.OPSGENIE_API_URL as string;
    key = sim.credentials.OPSGENIE_INTEGRATION_KEY as string;
  });

  it("lists a base URL with a trailing slash, a seeded team and its integration key (§5.1)", () => {
    expect(base).toBe(`${sim.url}/`);
    expect(sim.credentials.OPSGENIE_TEAM).toBe("Backend");
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(sim.credentials.OPSGENIE_EU_API_URL).toBe(`${sim.url}/eu/`);
  });

  it("answers 401 with Opsgenie's body for a wrong key, and for no key (§5.1, §5.3)", async () => {
    const wrong = await call("POST", "v2/alerts", { message: "x" }, "00000000-0000-4000-8000-000000000000");
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ message: "Could not authenticate", took: expect.any(Number), requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(wrong.headers.get("x-request-id")).toBe(wrong.body.requestId);
    expect((await call("GET", "v2/alerts", undefined, null)).status).toBe(401);
    const bearer = await fetch(`${base}v2/alerts`, { headers: { authorization: `Bearer ${key}` } });
    expect(bearer.status).toBe(401);
  });

  it("answers 422 'Key format is not valid!' for a key that is not a UUID (§5.3)", async () => {
    const response = await call("GET", "v2/alerts", undefined, "not-a-key");
    expect(response.status).toBe(422);
    expect(response.body.message).toBe("Key format is not valid!");
  });

  it("refuses a 135-character message with 422 and Opsgenie's error body (§5.2)", async () => {
    const response = await call("POST", "v2/alerts", { message: "m".repeat(135) });
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ message: "Request has validation errors", errors: { message: expect.stringContaining("130") }, requestId: expect.any(String), took: expect.any(Number) });
    expect((await call("POST", "v2/alerts", { message: "m".repeat(130) })).status).toBe(202);
  });

  it.each([
    ["no message", {}, "message"],
    ["a blank message", { message: "   " }, "message"],
    ["an alias over 512", { message: "m", alias: "a".repeat(513) }, "alias"],
    ["a description over 15000", { message: "m", description: "d".repeat(15_001) }, "description"],
    ["priority P6", { message: "m", priority: "P6" }, "priority"],
    ["21 tags", { message: "m", tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, "tags"],
    ["a tag over 50", { message: "m", tags: ["t".repeat(51)] }, "tags"],
    ["11 actions", { message: "m", actions: Array.from({ length: 11 }, (_, i) => `a${i}`) }, "actions"],
    ["details that are not strings", { message: "m", details: { n: 1 } }, "details"],
    ["details over 8000 characters", { message: "m", details: { k: "v".repeat(8000) } }, "details"],
    ["an entity over 512", { message: "m", entity: "e".repeat(513) }, "entity"],
    ["a source over 100", { message: "m", source: "s".repeat(101) }, "source"],
    ["a responder of unknown type", { message: "m", responders: [{ type: "squad", name: "x" }] }, "responders"],
    ["a responder with no reference", { message: "m", responders: [{ type: "team" }] }, "responders"],
  ])("refuses %s with 422 naming the field (§5.2)", async (_name, body, field) => {
    const response = await call("POST", "v2/alerts", body);
    expect(response.status).toBe(422);
    expect(Object.keys(response.body.errors as Json)).toContain(field);
  });

  it("accepts Sentry's alert body with 202 'Request will be processed' and a requestId whose status names the alert (§5.2)", async () => {
    const response = await call("POST", "v2/alerts", {
      message: "TypeError: x is undefined",
      source: "Sentry",
      priority: "P3",
      alias: "sentry: 12345",
      entity: "app/checkout.js",
      details: { "Sentry ID": "12345", "Project Name": "Web", Level: "error" },
      tags: ["level:error", "environment:production"],
      responders: [{ type: "team", name: "Backend" }],
    });
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ result: "Request will be processed", took: expect.any(Number), requestId: expect.any(String) });
    const status = await requestStatus(response.body.requestId);
    expect(status).toMatchObject({ success: true, isSuccess: true, action: "Create", status: "Created alert", alias: "sentry: 12345" });
    const alert = (await call("GET", `v2/alerts/${encodeURIComponent("sentry: 12345")}?identifierType=alias`)).body.data as Json;
    expect(alert).toMatchObject({ id: status.alertId, message: "TypeError: x is undefined", status: "open", acknowledged: false, count: 1, priority: "P3", source: "Sentry", tags: ["level:error", "environment:production"] });
    expect(alert.responders).toEqual([{ type: "team", id: sim.credentials.OPSGENIE_TEAM_ID }]);
    expect((await call("GET", `v2/alerts/${alert.tinyId as string}?identifierType=tiny`)).body.data).toMatchObject({ id: alert.id });
  });

  it("de-duplicates by alias while the alert is open: count goes up, no second alert (§5.2)", async () => {
    await call("POST", "v2/alerts", { message: "first", alias: "sentry: 7" });
    const second = await call("POST", "v2/alerts", { message: "second", alias: "sentry: 7" });
    const status = await requestStatus(second.body.requestId);
    const alert = (await call("GET", "v2/alerts/sentry%3A%207?identifierType=alias")).body.data as Json;
    expect(alert).toMatchObject({ id: status.alertId, message: "first", count: 2 });
    expect(sim.control.alerts()).toHaveLength(1);
    await call("POST", "v2/alerts/sentry%3A%207/close?identifierType=alias", {});
    await call("POST", "v2/alerts", { message: "again", alias: "sentry: 7" });
    expect(sim.control.alerts()).toHaveLength(2);
    expect(((await call("GET", "v2/alerts/sentry%3A%207?identifierType=alias")).body.data as Json).message).toBe("again");
  });

  it("acknowledges an alert by alias (202), then closes it; the request status reports each (§5.2)", async () => {
    await call("POST", "v2/alerts", { message: "ack me", alias: "sentry: 42" });
    const ack = await call("POST", "v2/alerts/sentry%3A%2042/acknowledge?identifierType=alias", {});
    expect(ack.status).toBe(202);
    expect(ack.body.result).toBe("Request will be processed");
    expect(await requestStatus(ack.body.requestId)).toMatchObject({ success: true, action: "Acknowledge", alias: "sentry: 42" });
    expect((await call("GET", "v2/alerts/sentry%3A%2042?identifierType=alias")).body.data).toMatchObject({ acknowledged: true, status: "open" });
    const close = await call("POST", "v2/alerts/sentry%3A%2042/close?identifierType=alias", { user: "switchboard", note: "Resolved in Sentry" });
    expect(close.status).toBe(202);
    expect(await requestStatus(close.body.requestId)).toMatchObject({ success: true, action: "Close" });
    expect((await call("GET", "v2/alerts/sentry%3A%2042?identifierType=alias")).body.data).toMatchObject({ status: "closed", report: { closedBy: "switchboard" } });
  });

  it("accepts an action on an unknown alert but reports 'Alert does not exist' in the request status (§5.2)", async () => {
    const close = await call("POST", "v2/alerts/nope/close?identifierType=alias", {});
    expect(close.status).toBe(202);
    expect(await requestStatus(close.body.requestId)).toMatchObject({ success: false, status: "Alert does not exist" });
    expect((await call("GET", "v2/alerts/nope?identifierType=alias")).status).toBe(404);
    expect((await call("GET", "v2/alerts/requests/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await call("POST", "v2/alerts/x/close?identifierType=name", {})).status).toBe(422);
  });

  it("authenticates an integration of the named type (case-insensitive) and refuses another type (§5.4)", async () => {
    const ok = await call("POST", "v2/integrations/authenticate", { type: "sentry" });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ result: "Integration [sentry] is valid" });
    expect((await call("POST", "v2/integrations/authenticate", { type: "Prometheus" })).status).toBe(422);
    expect((await call("POST", "v2/integrations/authenticate", {})).status).toBe(422);
    expect((await call("POST", "v2/integrations/authenticate", { type: "sentry" }, "00000000-0000-4000-8000-000000000000")).status).toBe(401);
  });

  it("refuses authenticate and team lookups without configuration access with 403, while alerts still work (§5.4)", async () => {
    const plain = sim.control.addIntegrationKey({ team: "Backend", type: "Sentry" });
    const refused = await call("POST", "v2/integrations/authenticate", { type: "sentry" }, plain);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe(40301);
    expect((await call("GET", "v2/teams/Backend?identifierType=name", undefined, plain)).status).toBe(403);
    expect((await call("POST", "v2/alerts", { message: "still fine" }, plain)).status).toBe(202);
  });

  it("refuses alert creation with an API Key Management key: 403 code 40301 (§5.1, §5.3)", async () => {
    const accountKey = sim.control.addAccountApiKey();
    const response = await call("POST", "v2/alerts", { message: "x" }, accountKey);
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ code: 40301, message: "To perform this action, use an API key from an API integration." });
  });

  it("answers 401 once the integration is disabled (§5.3)", async () => {
    sim.control.setIntegrationEnabled(key, false);
    expect((await call("POST", "v2/alerts", { message: "x" })).status).toBe(401);
  });

  it("looks teams up by name and by id, 404 otherwise (§7.4 get_team_id)", async () => {
    const byName = await call("GET", "v2/teams/Backend?identifierType=name");
    expect(byName.status).toBe(200);
    expect(byName.body.data).toMatchObject({ id: sim.credentials.OPSGENIE_TEAM_ID, name: "Backend" });
    expect((await call("GET", `v2/teams/${sim.credentials.OPSGENIE_TEAM_ID as string}`)).status).toBe(200);
    const missing = await call("GET", "v2/teams/Nobody?identifierType=name");
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe("No team exists with name [Nobody]");
  });

  it("serves the EU API under /eu/: EU keys work there and only there (§5.1)", async () => {
    const euBase = sim.credentials.OPSGENIE_EU_API_URL as string;
    const euKey = sim.credentials.OPSGENIE_EU_INTEGRATION_KEY as string;
    expect((await call("POST", "v2/alerts", { message: "eu", alias: "eu-1" }, euKey, euBase)).status).toBe(202);
    expect((await call("POST", "v2/alerts", { message: "eu" }, euKey, base)).status).toBe(401);
    expect((await call("POST", "v2/alerts", { message: "us" }, key, euBase)).status).toBe(401);
    expect((await call("GET", "v2/teams/Platform?identifierType=name", undefined, euKey, euBase)).status).toBe(200);
    // The US account does not see the EU account's alerts.
    expect((await call("GET", "v2/alerts/eu-1?identifierType=alias", undefined, key, base)).status).toBe(404);
    expect((await call("GET", "v2/alerts/eu-1?identifierType=alias", undefined, euKey, euBase)).status).toBe(200);
    expect(sim.control.alerts("eu")).toHaveLength(1);
    expect(sim.control.alerts("us")).toHaveLength(0);
  });

  it("lists alerts for Sentry's key check (GET /v2/alerts?limit=1) (§5.4)", async () => {
    await call("POST", "v2/alerts", { message: "one" });
    await call("POST", "v2/alerts", { message: "two" });
    const list = await call("GET", "v2/alerts?limit=1");
    expect(list.status).toBe(200);
    expect((list.body.data as Json[]).length).toBe(1);
    expect((list.body.paging as Json).next).toBeDefined();
    expect(((await call("GET", "v2/alerts?query=status%3Aopen")).body.data as Json[]).length).toBe(2);
  });

  it("answers 429 with Opsgenie's body and X-RateLimit-State when rate limited (§5.3)", async () => {
    sim.control.rateLimit(1, "/v2/alerts");
    const limited = await call("POST", "v2/alerts", { message: "x" });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("x-ratelimit-state")).toBe("THROTTLED");
    expect(limited.body).toMatchObject({ message: expect.stringContaining("too many requests"), requestId: expect.any(String) });
    expect((await call("POST", "v2/alerts", { message: "x" })).status).toBe(202);
  });

  it("needs application/json and parseable JSON (415 / 400) (§5.1, §5.3)", async () => {
    const text = await fetch(`${base}v2/alerts`, { method: "POST", headers: { authorization: `GenieKey ${key}`, "content-type": "text/plain" }, body: '{"message":"x"}' });
    expect(text.status).toBe(415);
    const broken = await fetch(`${base}v2/alerts`, { method: "POST", headers: { authorization: `GenieKey ${key}`, "content-type": "application/json" }, body: "{nope" });
    expect(broken.status).toBe(400);
  });

  it("seeds teams and keys over HTTP control", async () => {
    const team = (await (await fetch(`${sim.url}/_sim/teams`, { method: "POST", body: JSON.stringify({ name: "Mobile" }) })).json()) as Json;
    const created = (await (await fetch(`${sim.url}/_sim/integration-keys`, { method: "POST", body: JSON.stringify({ team: "Mobile", type: "API" }) })).json()) as Json;
    expect((await call("POST", "v2/alerts", { message: "mobile" }, created.key as string)).status).toBe(202);
    expect(sim.control.alerts()[0]?.responders).toEqual([{ type: "team", id: team.id }]);
    expect((await fetch(`${sim.url}/_sim/integration-keys`, { method: "POST", body: JSON.stringify({ team: "Nope" }) })).status).toBe(400);
  });
});
