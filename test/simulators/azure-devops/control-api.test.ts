import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureDevopsSimulator } from "../../../simulators/azure-devops/index.js";
import { legacyLogin, legacyRefresh, restHeaders, startReceiver, type AzureSim, type Receiver } from "./helpers.js";

describe("Azure DevOps simulator: HTTP control API under /_sim/", () => {
  let sim: AzureSim;
  let receiver: Receiver;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${sim.url}/_sim/${path}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    receiver = await startReceiver();
    sim = await startAzureDevopsSimulator({ seed: false });
  });
  afterAll(async () => {
    await sim.stop();
    await receiver.close();
  });

  it("seeds users, an organization, a project and a work item, then assigns it and delivers workitem.updated (§2.5)", async () => {
    expect((await call("POST", "users", { email: "lin@example.com", displayName: "Lin Chen" })).status).toBe(200);
    const org = await call("POST", "organizations", { name: "contoso", members: ["lin@example.com", "sam@example.com"] });
    expect(org.body.url).toBe(`${sim.url}/contoso/`);
    const project = await call("POST", "projects", { org: "contoso", name: "Web", process: "Scrum" });
    expect(project.body.id).toMatch(/^[0-9a-f-]{36}$/);
    const created = await call("POST", "workitems", { org: "contoso", project: "Web", type: "Product Backlog Item", title: "Checkout fails" });
    const id = created.body.id as number;
    expect(id).toBe(1);
    expect((await call("POST", "subscriptions", { org: "contoso", url: receiver.url, sharedSecret: "s3cret" })).status).toBe(200);

    const assigned = await call("POST", `workitems/${id}/assign`, { email: "sam@example.com", org: "contoso", by: "lin@example.com" });
    expect(assigned.status).toBe(200);
    expect((assigned.body.deliveries as Array<{ status: number }>)[0]?.status).toBe(200);
    const payload = JSON.parse(receiver.received[0]!.body) as { resource: { fields: Record<string, unknown>; revisedBy: { uniqueName: string } } };
    expect(payload.resource.fields["System.AssignedTo"]).toEqual({ newValue: "sam <sam@example.com>" });
    expect(payload.resource.revisedBy.uniqueName).toBe("lin@example.com");
    expect(receiver.received[0]!.headers["shared-secret"]).toBe("s3cret");

    expect((await call("POST", `workitems/${id}/state`, { state: "Committed" })).status).toBe(200);
    const view = await call("GET", `workitems/${id}?org=contoso`);
    expect(view.body.rev).toBe(3);
    expect((view.body.fields as Record<string, unknown>)["System.State"]).toBe("Committed");
  });

  it("answers bad control input with 400 and a message", async () => {
    const badState = await call("POST", "workitems/1/state", { state: "Exploded" });
    expect(badState.status).toBe(400);
    expect(String(badState.body.error)).toMatch(/TF401320/);
    expect((await call("POST", "workitems/999/assign", { email: null })).status).toBe(400);
    expect((await call("POST", "organizations", {})).status).toBe(400);
  });

  it("sets the token lifetime, issues tokens, counts refreshes and revokes a user's authorizations (§2.1)", async () => {
    expect((await call("POST", "token-lifetime", { seconds: 90 })).status).toBe(200);
    const issued = await call("POST", "tokens", { email: "lin@example.com" });
    expect(issued.body.expiresIn).toBe(90);
    const refreshed = await legacyRefresh(sim, String(issued.body.refreshToken));
    expect(((await refreshed.json()) as { expires_in: string }).expires_in).toBe("90");
    const stats = await call("GET", "token-stats");
    expect(stats.body.refreshesIssued).toBe(1);
    const revoked = await call("POST", "revoke-user", { email: "lin@example.com" });
    expect(revoked.body.revoked).toBe(1);
    expect((await fetch(`${sim.url}/contoso/_apis/projects`, { headers: restHeaders(String(issued.body.accessToken)) })).status).toBe(401);
  });

  it("resets to a clean state, keeping the registered app secrets", async () => {
    await call("POST", "regenerate-secret", { app: "full" });
    expect((await fetch(`${sim.url}/_sim/reset`, { method: "POST" })).status).toBe(204);
    expect((await call("GET", "workitems/1?org=contoso")).status).toBe(400);
    await call("POST", "organizations", { name: "contoso", members: ["lin@example.com"] });
    await call("POST", "authorizing-user", { email: "lin@example.com" });
    const tokens = await legacyLogin(sim, "vso.work_write");
    expect(tokens.access_token).toBeTruthy();
  });
});
