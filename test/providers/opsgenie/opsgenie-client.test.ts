import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isAppError } from "../../../src/domain/errors.js";
import { OpsgenieClient } from "../../../src/providers/opsgenie/client.js";
import { buildAlertPayload } from "../../../src/providers/opsgenie/alert-action.js";
import { opsgenieBaseUrl } from "../../../src/providers/opsgenie/regions.js";
import { startOpsgenieSimulator, type OpsgenieControl } from "../../../simulators/opsgenie/index.js";
import type { StartedSimulator } from "../../../simulators/shared/types.js";

let sim: StartedSimulator<OpsgenieControl>;
const send = { allowedPrivateTargets: ["127.0.0.1"] };
const client = (key: string, base = sim.url, timeoutMs = 2_000) => new OpsgenieClient({ baseUrl: base, integrationKey: key, send, timeoutMs });
const subject = (groupId: number) => ({
  groupId,
  title: "TypeError: x is undefined",
  culprit: "handler(routes)",
  level: "error",
  projectSlug: "web",
  projectName: "Web",
  issueUrl: "http://localhost/organizations/o/issues/1/",
  ruleLabel: "r",
  ruleUrl: "http://localhost/r",
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "resolved";
  } catch (error) {
    return isAppError(error) ? error.code : `thrown ${String(error)}`;
  }
}

beforeAll(async () => {
  sim = await startOpsgenieSimulator({ port: 0 });
});
afterAll(async () => sim?.stop());
beforeEach(() => sim.server.faults.clear());

describe("Opsgenie client (§7.4, D14)", () => {
  it("authorizes a Sentry integration key with POST /v2/integrations/authenticate and the GenieKey header", async () => {
    const key = sim.credentials.OPSGENIE_INTEGRATION_KEY as string;
    await client(key).authorizeIntegration();
    const request = sim.server.requests.at(-1)!;
    expect(request).toMatchObject({ method: "POST", path: "/v2/integrations/authenticate" });
    expect(request.headers.authorization).toBe(`GenieKey ${key}`);
    expect(JSON.parse(request.body)).toEqual({ type: "sentry" });
  });

  it("reports an unknown key (401), a key without permission (403) and a malformed key (422) as opsgenie_invalid_key", async () => {
    expect(await codeOf(client("5b9c8f8e-0000-4000-8000-000000000000").authorizeIntegration())).toBe("opsgenie_invalid_key");
    const apiKey = sim.control.addIntegrationKey({ team: "Backend", type: "Sentry", configurationAccess: false });
    expect(await codeOf(client(apiKey).authorizeIntegration())).toBe("opsgenie_invalid_key");
    expect(await codeOf(client("not-a-uuid").authorizeIntegration())).toBe("opsgenie_invalid_key");
  });

  it("reports 429, 5xx and a timeout as opsgenie_unavailable, saying Opsgenie could not be reached", async () => {
    const key = sim.credentials.OPSGENIE_INTEGRATION_KEY as string;
    sim.control.rateLimit(1);
    await expect(client(key).authorizeIntegration()).rejects.toMatchObject({ code: "opsgenie_unavailable", message: "Opsgenie could not be reached (HTTP 429); try again" });
    sim.server.faults.add({ count: 1, status: 503 });
    await expect(client(key).authorizeIntegration()).rejects.toMatchObject({ code: "opsgenie_unavailable", message: "Opsgenie could not be reached (HTTP 503); try again" });
    sim.server.faults.add({ count: 1, delayMs: 1_500 });
    await expect(client(key, sim.url, 300).authorizeIntegration()).rejects.toMatchObject({ code: "opsgenie_unavailable", message: "Opsgenie could not be reached (timeout); try again" });
  });

  it("reports other answers as opsgenie_api_error", async () => {
    sim.server.faults.add({ count: 1, status: 404 });
    expect(await codeOf(client(sim.credentials.OPSGENIE_INTEGRATION_KEY as string).authorizeIntegration())).toBe("opsgenie_api_error");
  });

  it("creates an alert, de-duplicates it by alias, and acknowledges and closes it by alias", async () => {
    const key = sim.credentials.OPSGENIE_INTEGRATION_KEY as string;
    const payload = buildAlertPayload(subject(9001), sim.credentials.OPSGENIE_TEAM_ID as string, "P2");
    await client(key).createAlert(payload);
    await client(key).createAlert(payload);
    const alert = sim.control.alert("sentry: 9001", "alias");
    expect(alert).toMatchObject({ count: 2, priority: "P2", status: "open", acknowledged: false });
    await client(key).acknowledgeAlert("sentry: 9001");
    expect(sim.server.requests.at(-1)).toMatchObject({ path: "/v2/alerts/sentry%3A%209001/acknowledge", query: { identifierType: "alias" } });
    expect(sim.control.alert("sentry: 9001", "alias")).toMatchObject({ acknowledged: true });
    await client(key).closeAlert("sentry: 9001");
    expect(sim.control.alert("sentry: 9001", "alias")).toMatchObject({ status: "closed" });
  });

  it("sends an EU account's calls to the EU base path", async () => {
    const euKey = sim.credentials.OPSGENIE_EU_INTEGRATION_KEY as string;
    const base = opsgenieBaseUrl({ region: "eu" }, { apiUrl: sim.url, euApiUrl: `${sim.url}/eu/` });
    await client(euKey, base).createAlert(buildAlertPayload(subject(77), "x"));
    expect(sim.server.requests.at(-1)).toMatchObject({ method: "POST", path: "/eu/v2/alerts" });
    expect(sim.control.alerts("eu").some((a) => a.alias === "sentry: 77")).toBe(true);
    expect(await codeOf(client(euKey).authorizeIntegration())).toBe("opsgenie_invalid_key");
  });

  it("finds a team by name, and answers undefined for an unknown one", async () => {
    const key = sim.credentials.OPSGENIE_INTEGRATION_KEY as string;
    expect(await client(key).teamByName("Backend")).toEqual({ id: sim.credentials.OPSGENIE_TEAM_ID, name: "Backend" });
    expect(await client(key).teamByName("Nobody")).toBeUndefined();
  });

  it("never puts the key in an error message", async () => {
    const key = "5b9c8f8e-1111-4000-8000-000000000000";
    try {
      await client(key).createAlert(buildAlertPayload(subject(1), "x"));
      expect.unreachable();
    } catch (error) {
      expect(String((error as Error).message)).not.toContain(key);
      expect(JSON.stringify(error)).not.toContain(key);
    }
  });
});
