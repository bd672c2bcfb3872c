import { createHmac } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import examplesModule, { type WebhookDefinition } from "@octokit/webhooks-examples";
import { verify } from "@octokit/webhooks-methods";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { signPayload } from "../../../simulators/github/sign-payload.js";
import { api, payloadOf, Receiver, startSim, type GithubSim, type ReceivedDelivery } from "./helpers.js";

// A CommonJS package whose typings declare a default export: at run time the default import is the array itself.
const examples = examplesModule as unknown as WebhookDefinition[];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const REPO = "acme/web";

type Payload = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- webhook payloads are read field by field

describe("GitHub simulator: webhook signing (§1.6)", () => {
  it("reproduces GitHub's documented test vector, in both signature headers (§1.6)", async () => {
    const { sha256, sha1 } = signPayload("It's a Secret to Everybody", "Hello, World!");
    expect(sha256).toBe("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
    expect(sha1).toBe("sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59");
    // The reference verifier agrees.
    expect(await verify("It's a Secret to Everybody", "Hello, World!", sha256)).toBe(true);
  });

  it("signs the raw UTF-8 bytes (§1.6)", () => {
    const body = '{"title":"Café ☕"}';
    expect(signPayload("s3cret", body).sha256).toBe(`sha256=${createHmac("sha256", "s3cret").update(Buffer.from(body, "utf8")).digest("hex")}`);
  });
});

describe("GitHub simulator: deliveries (§1.6, §1.7)", () => {
  let sim: GithubSim;
  let receiver: Receiver;
  let installationId: number;
  let issue: number;
  let token: string;
  const secret = () => sim.credentials.GITHUB_WEBHOOK_SECRET!;
  const events = () => receiver.received.map((d) => `${d.headers["x-github-event"]}.${payloadOf(d).action ?? ""}`);

  beforeAll(async () => {
    receiver = new Receiver();
    await receiver.start();
    sim = await startSim({ webhookUrl: receiver.url });
    installationId = await sim.control.createInstallation({ account: "acme", repositories: ["web"] });
    sim.control.addUser("ana");
    sim.control.addUser("ben");
    token = sim.control.mintToken(installationId);
  });
  afterAll(async () => {
    await sim.stop();
    await receiver.stop();
  });
  beforeEach(async () => {
    await sim.control.flushDeliveries();
    sim.control.setDeliveries(true);
    sim.control.setWebhookContentType("json");
    issue = sim.control.createIssue(REPO, "TypeError in checkout");
    receiver.clear();
  });

  it("delivers issues.assigned for a control change with every App webhook header and both signatures (§1.6)", async () => {
    await sim.control.assign(REPO, issue, ["ana"]);
    expect(receiver.received).toHaveLength(1);
    const d = receiver.received[0]!;
    expect(d.method).toBe("POST");
    expect(d.headers).toMatchObject({
      "content-type": "application/json",
      "x-github-event": "issues",
      "x-github-hook-installation-target-type": "integration",
      "x-github-hook-installation-target-id": sim.credentials.GITHUB_APP_ID,
    });
    expect(d.headers["user-agent"]).toMatch(/^GitHub-Hookshot\/[0-9a-f]{7}$/);
    expect(d.headers["x-github-delivery"]).toMatch(UUID);
    expect(d.headers["x-github-hook-id"]).toMatch(/^\d+$/);
    expect(d.headers["x-hub-signature-256"]).toBe(`sha256=${createHmac("sha256", secret()).update(d.body).digest("hex")}`);
    expect(d.headers["x-hub-signature"]).toBe(`sha1=${createHmac("sha1", secret()).update(d.body).digest("hex")}`);
    expect(await verify(secret(), d.body, d.headers["x-hub-signature-256"] as string)).toBe(true);
    const payload = payloadOf(d) as Payload;
    expect(payload.action).toBe("assigned");
    expect(payload.assignee.login).toBe("ana");
    expect(payload.issue.assignees.map((a: { login: string }) => a.login)).toEqual(["ana"]);
    expect(payload.repository.full_name).toBe(REPO);
    expect(payload.installation).toEqual({ id: installationId, node_id: Buffer.from(`023:IntegrationInstallation${installationId}`).toString("base64") });
    expect(payload.sender.login).toEqual(expect.any(String));
  });

  it("shapes issues payloads like GitHub's own examples (§1.7)", async () => {
    await sim.control.assign(REPO, issue, ["ana"]);
    const ours = payloadOf(receiver.received[0]!) as Payload;
    const reference = examples.find((e) => e.name === "issues")!.examples.find((x) => (x as Payload).action === "assigned") as Payload;
    for (const key of Object.keys(reference)) expect(ours, key).toHaveProperty(key);
    for (const key of Object.keys(reference.issue).filter((k) => k !== "draft")) expect(ours.issue, `issue.${key}`).toHaveProperty(key);
    for (const key of Object.keys(reference.sender)) {
      if (!key.endsWith("_url") || key === "avatar_url" || key === "html_url") expect(ours.sender, `sender.${key}`).toHaveProperty(key);
    }
  });

  it("reports a reassignment as unassigned + assigned, each carrying the state after the change (§1.7)", async () => {
    await sim.control.assign(REPO, issue, ["ana"]);
    receiver.clear();
    await sim.control.assign(REPO, issue, ["ben"]);
    expect(events()).toEqual(["issues.unassigned", "issues.assigned"]);
    const [unassigned, assigned] = receiver.received.map((d) => payloadOf(d) as Payload);
    expect(unassigned!.assignee.login).toBe("ana");
    expect(assigned!.assignee.login).toBe("ben");
    for (const p of [unassigned!, assigned!]) expect(p.issue.assignees.map((a: { login: string }) => a.login)).toEqual(["ben"]);
    // Each delivery has its own GUID.
    expect(new Set(receiver.received.map((d) => d.headers["x-github-delivery"])).size).toBe(2);
  });

  it("delivers closed and reopened for control changes, with the issue's state (§1.7)", async () => {
    await sim.control.close(REPO, issue);
    await sim.control.reopen(REPO, issue);
    await sim.control.unassign(REPO, issue);
    expect(events()).toEqual(["issues.closed", "issues.reopened"]);
    const [closed, reopened] = receiver.received.map((d) => payloadOf(d) as Payload);
    expect(closed!.issue).toMatchObject({ state: "closed", state_reason: "completed" });
    expect(reopened!.issue).toMatchObject({ state: "open", state_reason: "reopened" });
    expect(Date.parse(reopened!.issue.updated_at)).toBeGreaterThan(Date.parse(closed!.issue.updated_at));
  });

  it("delivers webhooks for changes the app makes over REST, sent by its bot, without holding the answer (§1.7)", async () => {
    const created = await api(sim, "POST", `/repos/${REPO}/issues`, token, { title: "From Switchboard" });
    const number = created.json.number as number;
    await api(sim, "PATCH", `/repos/${REPO}/issues/${number}`, token, { assignees: ["ana"], state: "closed" });
    await api(sim, "POST", `/repos/${REPO}/issues/${number}/assignees`, token, { assignees: ["ben"] });
    await api(sim, "DELETE", `/repos/${REPO}/issues/${number}/assignees`, token, { assignees: ["ana"] });
    await api(sim, "PATCH", `/repos/${REPO}/issues/${number}`, token, { state: "open" });
    await sim.control.flushDeliveries();
    expect(events()).toEqual(["issues.opened", "issues.assigned", "issues.closed", "issues.assigned", "issues.unassigned", "issues.reopened"]);
    for (const d of receiver.received) {
      const p = payloadOf(d) as Payload;
      expect(p.sender).toMatchObject({ login: `${sim.credentials.GITHUB_APP_SLUG}[bot]`, type: "Bot" });
      expect(p.issue.number).toBe(number);
    }
  });

  it("answers REST calls before the receiver has answered the delivery (§1.6)", async () => {
    const pending: ServerResponse[] = [];
    const slow = createServer((req, res) => {
      req.resume();
      pending.push(res);
    });
    await new Promise<void>((resolve) => slow.listen(0, "127.0.0.1", () => resolve()));
    sim.control.setWebhookUrl(`http://127.0.0.1:${(slow.address() as AddressInfo).port}/hook`);
    try {
      const started = Date.now();
      const response = await api(sim, "PATCH", `/repos/${REPO}/issues/${issue}`, token, { state: "closed" });
      expect(response.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(1000);
      await expect.poll(() => pending.length).toBe(1);
      pending[0]!.writeHead(204).end();
      await sim.control.flushDeliveries();
      expect(sim.control.deliveries().at(-1)).toMatchObject({ event: "issues", action: "closed", status: 204 });
    } finally {
      sim.control.setWebhookUrl(receiver.url);
      slow.closeAllConnections();
      await new Promise((resolve) => slow.close(resolve));
    }
  });

  it("tells the app about installations created, suspended and deleted, with epoch timestamps (§1.7)", async () => {
    const id = await sim.control.createInstallation({ account: "globex", accountType: "User", repositories: ["app"] });
    await sim.control.suspendInstallation(id);
    await sim.control.suspendInstallation(id, false);
    await sim.control.deleteInstallation(id);
    expect(events()).toEqual(["installation.created", "installation.suspend", "installation.unsuspend", "installation.deleted"]);
    const [created, suspend, , deleted] = receiver.received.map((d) => payloadOf(d) as Payload);
    expect(created!.installation).toMatchObject({ id, app_id: Number(sim.credentials.GITHUB_APP_ID), account: { login: "globex", type: "User" }, target_type: "User" });
    expect(created!.installation.created_at).toEqual(expect.any(Number));
    expect(created!.repositories.map((r: { full_name: string }) => r.full_name)).toEqual(["globex/app"]);
    expect(created!.sender.login).toBe("globex");
    expect(suspend!.installation.suspended_at).toMatch(/Z$/);
    expect(deleted!.installation.id).toBe(id);
    const reference = examples.find((e) => e.name === "installation")!.examples.find((x) => (x as Payload).action === "created") as Payload;
    for (const key of Object.keys(reference.installation)) expect(created!.installation, key).toHaveProperty(key);
  });

  it("sends nothing about a suspended installation's issues (§1.7)", async () => {
    await sim.control.suspendInstallation(installationId);
    try {
      receiver.clear();
      await sim.control.assign(REPO, issue, ["ana"]);
      expect(receiver.received).toHaveLength(0);
    } finally {
      await sim.control.suspendInstallation(installationId, false);
    }
  });

  it("delivers ping, push and pull_request shaped as §1.7 describes (§1.7)", async () => {
    await sim.control.ping();
    await sim.control.push(REPO, { messages: ["Fix SENTRY-1"] });
    await sim.control.pullRequest(REPO, { action: "closed", merged: false, title: "Try a fix" });
    expect(events()).toEqual(["ping.", "push.", "pull_request.closed"]);
    const [ping, push, pr] = receiver.received.map((d) => payloadOf(d) as Payload);
    expect(ping!).toMatchObject({ hook_id: expect.any(Number), hook: { type: "App", app_id: Number(sim.credentials.GITHUB_APP_ID), events: ["*"], config: { content_type: "json", insecure_ssl: "0" } } });
    expect(ping!.zen).toEqual(expect.any(String));
    expect(ping!).not.toHaveProperty("installation");
    expect(push!).toMatchObject({ ref: "refs/heads/main", repository: { full_name: REPO }, installation: { id: installationId } });
    expect(push!.commits[0].message).toBe("Fix SENTRY-1");
    expect(push!.repository.pushed_at).toEqual(expect.any(Number));
    expect(push!.head_commit.id).toBe(push!.after);
    expect(pr!.pull_request).toMatchObject({ state: "closed", merged: false, title: "Try a fix" });
    // GitHub fills merge_commit_sha even when nothing was merged: only `merged` tells.
    expect(pr!.pull_request.merge_commit_sha).toMatch(/^[0-9a-f]{40}$/);
    expect(pr!.number).toBe(pr!.pull_request.number);
  });

  it("redelivers a previous delivery with the same GUID and body (§1.6)", async () => {
    const [first] = await sim.control.close(REPO, issue);
    await sim.control.redeliver(first!.deliveryId);
    expect(receiver.received).toHaveLength(2);
    const [original, again] = receiver.received as [ReceivedDelivery, ReceivedDelivery];
    expect(again.headers["x-github-delivery"]).toBe(original.headers["x-github-delivery"]);
    expect(again.body).toBe(original.body);
    expect(again.headers["x-hub-signature-256"]).toBe(original.headers["x-hub-signature-256"]);
    expect(sim.control.deliveries().at(-1)).toMatchObject({ redelivery: true, deliveryId: first!.deliveryId });
    await expect(sim.control.redeliver("00000000-0000-4000-8000-000000000000")).rejects.toThrow(/unknown delivery/);
  });

  it("delivers any event as given, signed, and GitHub's own example payloads with it (§1.6)", async () => {
    const example = examples.find((e) => e.name === "issues")!.examples.find((x) => (x as Payload).action === "unassigned") as Payload;
    await sim.control.deliver("issues", example, "11111111-2222-4333-8444-555555555555");
    const d = receiver.received[0]!;
    expect(d.headers["x-github-delivery"]).toBe("11111111-2222-4333-8444-555555555555");
    expect(JSON.parse(d.body)).toEqual(example);
    expect(await verify(secret(), d.body, d.headers["x-hub-signature-256"] as string)).toBe(true);
  });

  it("stays silent while deliveries are switched off (§1.6)", async () => {
    sim.control.setDeliveries(false);
    await sim.control.assign(REPO, issue, ["ana"]);
    await api(sim, "PATCH", `/repos/${REPO}/issues/${issue}`, token, { state: "closed" });
    await sim.control.ping();
    await sim.control.flushDeliveries();
    expect(receiver.received).toHaveLength(0);
    sim.control.setDeliveries(true);
    await sim.control.reopen(REPO, issue);
    expect(events()).toEqual(["issues.reopened"]);
  });

  it("can deliver form-encoded payloads, signed over the form body (§1.6)", async () => {
    sim.control.setWebhookContentType("form");
    await sim.control.close(REPO, issue);
    const d = receiver.received[0]!;
    expect(d.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(d.body.startsWith("payload=")).toBe(true);
    expect(JSON.parse(new URLSearchParams(d.body).get("payload")!).action).toBe("closed");
    expect(d.headers["x-hub-signature-256"]).toBe(`sha256=${createHmac("sha256", secret()).update(d.body).digest("hex")}`);
  });
});
