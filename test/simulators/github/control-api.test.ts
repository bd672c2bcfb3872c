import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, goodJwt, payloadOf, Receiver, startSim, type GithubSim } from "./helpers.js";

describe("GitHub simulator: the /_sim/ control API mirrors the control handle", () => {
  let sim: GithubSim;
  let receiver: Receiver;
  const control = async (method: string, name: string, body?: unknown) => {
    const response = await fetch(`${sim.url}/_sim/${name}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, json: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };

  beforeAll(async () => {
    receiver = new Receiver();
    await receiver.start();
    sim = await startSim();
  });
  afterAll(async () => {
    await sim.stop();
    await receiver.stop();
  });

  it("seeds an installation, repository, users and an issue, then changes it with a signed delivery to the target it was given (§1.6, §1.7)", async () => {
    expect((await control("POST", "webhook-target", { url: receiver.url })).status).toBe(200);
    const installation = await control("POST", "installations", { account: "acme", notify: false });
    const id = installation.json.id as number;
    expect(id).toEqual(expect.any(Number));
    expect((await control("POST", "repositories", { installationId: id, fullName: "acme/web" })).status).toBe(200);
    expect((await control("POST", "users", { login: "ana", id: 4242 })).json.id).toBe(4242);
    const created = await control("POST", "issues", { repo: "acme/web", title: "Crash" });
    const number = created.json.number as number;
    const assigned = await control("POST", "issues/assign", { repo: "acme/web", number, assignees: ["ana"] });
    expect((assigned.json.deliveries as string[]).length).toBe(1);
    expect(receiver.received).toHaveLength(1);
    expect(payloadOf(receiver.received[0]!)).toMatchObject({ action: "assigned", assignee: { login: "ana", id: 4242 } });
    await control("POST", "issues/close", { repo: "acme/web", number, reason: "not_planned" });
    const shown = await control("GET", `issues/acme/web/${number}`);
    expect(shown.json).toMatchObject({ state: "closed", state_reason: "not_planned", assignees: [{ login: "ana" }] });
    const redelivered = await control("POST", "redeliver", { deliveryId: (assigned.json.deliveries as string[])[0] });
    expect(redelivered.status).toBe(200);
    expect(receiver.received.at(-1)!.headers["x-github-delivery"]).toBe((assigned.json.deliveries as string[])[0]);
    const listed = await control("GET", "webhook-deliveries");
    expect((listed.json.deliveries as Array<{ event: string }>).map((d) => d.event)).toEqual(["issues", "issues", "issues"]);
  });

  it("answers 400 with the reason for an impossible control call", async () => {
    const unknown = await control("POST", "issues/assign", { repo: "acme/nope", number: 1, assignees: [] });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toMatch(/unknown repository/);
    expect((await control("POST", "installations", {})).status).toBe(400);
    expect((await control("POST", "users", { login: "outsider", assignable: false })).status).toBe(200);
    expect((await control("POST", "issues/assign", { repo: "acme/web", number: 1, assignees: ["outsider"] })).json.error).toMatch(/cannot be assigned/);
  });

  it("mints, revokes and times tokens over HTTP (§1.2)", async () => {
    const installation = (await control("GET", "app")).json;
    expect(installation).toMatchObject({ appId: Number(sim.credentials.GITHUB_APP_ID), clientId: sim.credentials.GITHUB_CLIENT_ID });
    const id = ((await control("POST", "installations", { account: "globex", repositories: ["app"], notify: false })).json.id) as number;
    await control("POST", "token-lifetime", { seconds: 600 });
    const minted = await api(sim, "POST", `/app/installations/${id}/access_tokens`, goodJwt(sim));
    expect(Math.abs(Date.parse(minted.json.expires_at as string) - Date.now() - 600_000)).toBeLessThan(2000);
    const token = minted.json.token as string;
    expect((await api(sim, "GET", "/repos/globex/app", token)).status).toBe(200);
    expect((await control("POST", `installations/${id}/revoke-tokens`)).json.revoked).toBe(1);
    expect((await api(sim, "GET", "/repos/globex/app", token)).status).toBe(401);
  });

  it("switches deliveries off and on, and pings (§1.6)", async () => {
    receiver.clear();
    await control("POST", "deliveries-enabled", { enabled: false });
    await control("POST", "ping");
    expect(receiver.received).toHaveLength(0);
    await control("POST", "deliveries-enabled", { enabled: true });
    await control("POST", "ping");
    expect(receiver.received.map((d) => d.headers["x-github-event"])).toEqual(["ping"]);
  });

  it("forgets everything on /_sim/reset", async () => {
    expect((await control("POST", "reset")).status).toBe(204);
    const appRoute = await api(sim, "GET", "/app/installations", goodJwt(sim));
    expect(appRoute.json).toEqual([]);
    expect(sim.server.requests.map((r) => r.path)).toEqual(["/app/installations"]);
  });
});
