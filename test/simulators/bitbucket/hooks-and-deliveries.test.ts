import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startBitbucketSimulator } from "../../../simulators/bitbucket/index.js";
import { api, startTestApp, type BitbucketSim, type TestApp } from "./helpers.js";

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

describe("Bitbucket repository hooks and issue event deliveries", () => {
  let sim: BitbucketSim;
  let app: TestApp;
  let receiver: Server;
  let hookBase: string;
  const received: Received[] = [];
  const REPO = "/2.0/repositories/acme/backend";

  const waitFor = async (count: number) => {
    await sim.control.settled();
    const deadline = Date.now() + 3000;
    while (received.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(received.length).toBeGreaterThanOrEqual(count);
  };

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString("utf8")));
      req.on("end", () => {
        received.push({ path: req.url ?? "", headers: req.headers, body });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
    hookBase = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    app = await startTestApp();
    sim = await startBitbucketSimulator({ appUrl: app.url });
    await sim.control.install();
  });
  afterAll(async () => {
    await sim.stop();
    await app.close();
    await new Promise((r) => receiver.close(r));
  });
  beforeEach(async () => {
    for (const hook of sim.control.hooks("acme/backend")) await api(sim, "DELETE", `${REPO}/hooks/${encodeURIComponent(hook.uuid)}`);
    sim.control.setWebhookUrl(undefined);
    received.length = 0;
  });

  it("creates, lists, reads, updates and deletes repository hooks; the secret is never shown", async () => {
    const created = await api(sim, "POST", `${REPO}/hooks`, { description: "switchboard", url: `${hookBase}/a`, active: true, events: ["issue:updated", "issue:created"], secret: "s3cret" });
    expect(created.status).toBe(201);
    const hook = (await created.json()) as { uuid: string; secret_set: boolean; events: string[]; subject_type: string; type: string };
    expect(hook).toMatchObject({ type: "webhook_subscription", subject_type: "repository", secret_set: true, events: ["issue:created", "issue:updated"] });
    expect(hook).not.toHaveProperty("secret");
    const path = `${REPO}/hooks/${encodeURIComponent(hook.uuid)}`;
    const list = (await (await api(sim, "GET", `${REPO}/hooks`)).json()) as { values: Array<{ uuid: string }> };
    expect(list.values.map((h) => h.uuid)).toEqual([hook.uuid]);
    const updated = (await (await api(sim, "PUT", path, { active: false, secret: null })).json()) as { active: boolean; secret_set: boolean };
    expect(updated).toMatchObject({ active: false, secret_set: false });
    expect((await api(sim, "DELETE", path)).status).toBe(204);
    expect((await api(sim, "GET", path)).status).toBe(404);
  });

  it("refuses a hook without url or with an unknown event (400 naming the fields)", async () => {
    const response = await api(sim, "POST", `${REPO}/hooks`, { events: ["issue:exploded"] });
    expect(response.status).toBe(400);
    expect(Object.keys(((await response.json()) as { error: { fields: object } }).error.fields).sort()).toEqual(["events", "url"]);
  });

  it("delivers issue:updated with X-Event-Key, X-Hook-UUID, X-Request-UUID and X-Hub-Signature when control assigns", async () => {
    const hook = (await (await api(sim, "POST", `${REPO}/hooks`, { url: `${hookBase}/signed`, events: ["issue:updated"], secret: "hook-secret" })).json()) as { uuid: string };
    const id = await sim.control.createIssue("acme/backend", { title: "Assign through control" });
    const deliveries = await sim.control.assign("acme/backend", id, "grace", { by: "ada" });
    expect(deliveries.map((d) => d.status)).toEqual([200]);
    await waitFor(1);
    const [delivery] = received;
    expect(delivery?.path).toBe("/signed");
    expect(delivery?.headers["x-event-key"]).toBe("issue:updated");
    expect(delivery?.headers["x-hook-uuid"]).toBe(hook.uuid.slice(1, -1));
    expect(delivery?.headers["x-request-uuid"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(delivery?.headers["user-agent"]).toMatch(/^Bitbucket-Webhooks\//);
    expect(delivery?.headers["x-hub-signature"]).toBe(`sha256=${createHmac("sha256", "hook-secret").update(delivery?.body ?? "").digest("hex")}`);
    const payload = JSON.parse(delivery?.body ?? "{}") as { actor: { nickname: string }; issue: { id: number; assignee: { nickname: string } }; repository: { full_name: string }; changes: { assignee: { old: unknown; new: { nickname: string } } } };
    expect(payload.actor.nickname).toBe("ada");
    expect(payload.issue).toMatchObject({ id, assignee: { nickname: "grace" } });
    expect(payload.repository.full_name).toBe("acme/backend");
    expect(payload.changes.assignee.old).toBeNull();
    expect(payload.changes.assignee.new.nickname).toBe("grace");
  });

  it("delivers the state change as changes.status, and nothing when nothing changed", async () => {
    sim.control.setWebhookUrl(`${hookBase}/target`);
    const id = await sim.control.createIssue("acme/backend", { title: "Resolve me" }, { notify: false });
    await sim.control.setState("acme/backend", id, "resolved");
    expect(await sim.control.setState("acme/backend", id, "resolved")).toEqual([]);
    await waitFor(1);
    expect(received).toHaveLength(1);
    expect(received[0]?.headers["x-hub-signature"]).toBeUndefined();
    expect(JSON.parse(received[0]?.body ?? "{}").changes).toEqual({ status: { old: "new", new: "resolved" } });
  });

  it("delivers issue:created and issue:updated for changes the app makes through the API, with the app as actor", async () => {
    await api(sim, "POST", `${REPO}/hooks`, { url: `${hookBase}/all`, events: ["issue:created", "issue:updated"] });
    await api(sim, "POST", `${REPO}/hooks`, { url: `${hookBase}/inactive`, events: ["issue:updated"], active: false });
    const issue = (await (await api(sim, "POST", `${REPO}/issues`, { title: "From the app" })).json()) as { id: number };
    await api(sim, "PUT", `${REPO}/issues/${issue.id}`, { state: "open" });
    await waitFor(2);
    expect(received.map((r) => [r.path, r.headers["x-event-key"]])).toEqual([
      ["/all", "issue:created"],
      ["/all", "issue:updated"],
    ]);
    expect(JSON.parse(received[1]?.body ?? "{}").actor).toMatchObject({ type: "app_user" });
  });

  it("changes issues over HTTP control: /_sim/issues/:ws/:slug/:id/assign and /state", async () => {
    sim.control.setWebhookUrl(`${hookBase}/http-control`);
    const created = await fetch(`${sim.url}/_sim/issues`, { method: "POST", body: JSON.stringify({ repo: "acme/backend", title: "Via HTTP", notify: false }) });
    const { id } = (await created.json()) as { id: number };
    const assign = await fetch(`${sim.url}/_sim/issues/acme/backend/${id}/assign`, { method: "POST", body: JSON.stringify({ user: "grace" }) });
    expect(assign.status).toBe(200);
    expect(((await assign.json()) as { deliveries: unknown[] }).deliveries).toHaveLength(1);
    const unassign = await fetch(`${sim.url}/_sim/issues/acme/backend/${id}/assign`, { method: "POST", body: JSON.stringify({ user: null }) });
    expect(((await unassign.json()) as { deliveries: unknown[] }).deliveries).toHaveLength(1);
    const state = await fetch(`${sim.url}/_sim/issues/acme/backend/${id}/state`, { method: "POST", body: JSON.stringify({ state: "closed" }) });
    expect(state.status).toBe(200);
    const bad = await fetch(`${sim.url}/_sim/issues/acme/backend/${id}/state`, { method: "POST", body: JSON.stringify({ state: "done" }) });
    expect(bad.status).toBe(400);
    const issue = (await (await fetch(`${sim.url}/_sim/issues/acme/backend/${id}`)).json()) as { state: string; assignee: unknown };
    expect(issue).toMatchObject({ state: "closed", assignee: null });
  });
});
