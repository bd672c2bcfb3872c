import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAzureDevopsSimulator } from "../../../simulators/azure-devops/index.js";
import { restHeaders, startReceiver, type AzureSim, type Receiver } from "./helpers.js";

interface WorkItemUpdatedEvent {
  subscriptionId: string;
  notificationId: number;
  id: string;
  eventType: string;
  publisherId: string;
  resourceVersion: string;
  createdDate: string;
  resource: {
    id: number;
    workItemId: number;
    rev: number;
    revisedBy: { name: string; uniqueName: string };
    fields: Record<string, { oldValue?: unknown; newValue?: unknown }>;
    revision: { id: number; rev: number; fields: Record<string, unknown> };
  };
  resourceContainers: Record<"collection" | "account" | "project", { id: string; baseUrl: string }>;
}

// The body Sentry posts to create its subscription (sentry-behaviour §1.8, provider-contracts §2.4).
const sentrySubscription = (url: string, secret: string) => ({
  publisherId: "tfs",
  eventType: "workitem.updated",
  resourceVersion: "1.0",
  consumerId: "webHooks",
  consumerActionId: "httpRequest",
  consumerInputs: { url, resourceDetailsToSend: "all", httpHeaders: `shared-secret:${secret}` },
});

describe("Azure DevOps simulator: service hooks and workitem.updated deliveries (provider-contracts §2.4, §2.5)", () => {
  let sim: AzureSim;
  let receiver: Receiver;
  let token: string;
  let org: { id: string; collectionId: string };
  const instance = () => `${sim.url}/fabrikam/`;
  const secret = "4f3c2b1a0f9e8d7c6b5a49382716f5e4";

  beforeAll(async () => {
    receiver = await startReceiver();
    sim = await startAzureDevopsSimulator();
  });
  afterAll(async () => {
    await sim.stop();
    await receiver.close();
  });
  beforeEach(() => {
    sim.server.reset();
    receiver.received.length = 0;
    receiver.status = 200;
    sim.control.addUser("grace@example.com", "Grace Hopper");
    sim.control.addMember("fabrikam", "grace@example.com");
    org = sim.control.addOrganization("fabrikam");
    token = sim.control.issueTokens({ email: "ada@example.com" }).accessToken;
  });

  const subscribe = async (body: unknown = sentrySubscription(receiver.url, secret)) =>
    fetch(`${instance()}_apis/hooks/subscriptions?api-version=4.1`, { method: "POST", headers: restHeaders(token, "POST"), body: JSON.stringify(body) });
  const createItem = async (title = "Crash on save"): Promise<number> => {
    const response = await fetch(`${instance()}Fabrikam-Fiber/_apis/wit/workitems/$Bug?api-version=4.1`, {
      method: "PATCH",
      headers: restHeaders(token, "PATCH"),
      body: JSON.stringify([{ op: "add", path: "/fields/System.Title", value: title }]),
    });
    return ((await response.json()) as { id: number }).id;
  };
  const event = (index: number) => JSON.parse(receiver.received[index]!.body) as WorkItemUpdatedEvent;

  it("creates Sentry's subscription and echoes it with an id, url and the publisherInputs Azure adds (§2.4)", async () => {
    const response = await subscribe();
    expect(response.status).toBe(200);
    const sub = (await response.json()) as Record<string, unknown> & { id: string; publisherInputs: Record<string, string>; consumerInputs: Record<string, string> };
    expect(sub.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(sub.url).toBe(`${instance()}_apis/hooks/subscriptions/${sub.id}`);
    expect(sub).toMatchObject({ status: "enabled", publisherId: "tfs", eventType: "workitem.updated", resourceVersion: "1.0", consumerId: "webHooks", consumerActionId: "httpRequest" });
    expect(sub.publisherInputs.hostId).toBe(org.collectionId);
    expect(sub.publisherInputs.tfsSubscriptionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sub.consumerInputs.httpHeaders).toBe(`shared-secret:${secret}`);
    expect(sub.createdDate).toBeTruthy();
    expect(sub.modifiedDate).toBeTruthy();

    const fetched = await fetch(sub.url as string, { headers: restHeaders(token) });
    expect(((await fetched.json()) as { id: string }).id).toBe(sub.id);
    const list = (await (await fetch(`${instance()}_apis/hooks/subscriptions`, { headers: restHeaders(token) })).json()) as { count: number };
    expect(list.count).toBe(1);
    const deleted = await fetch(sub.url as string, { method: "DELETE", headers: restHeaders(token, "DELETE") });
    expect(deleted.status).toBe(204);
    expect((await fetch(sub.url as string, { headers: restHeaders(token) })).status).toBe(404);
  });

  it("refuses a subscription with an unknown consumer, event type or no URL with 400 and a message (§2.4)", async () => {
    for (const bad of [
      { ...sentrySubscription(receiver.url, secret), consumerId: "slack" },
      { ...sentrySubscription(receiver.url, secret), eventType: "workitem.exploded" },
      { ...sentrySubscription(receiver.url, secret), consumerInputs: { httpHeaders: "shared-secret:x" } },
    ]) {
      const response = await subscribe(bad);
      expect(response.status).toBe(400);
      expect(typeof ((await response.json()) as { message: string }).message).toBe("string");
    }
  });

  it("delivers a JSON-patch update as workitem.updated 1.0 with the Shared-Secret header, rev incremented, only the changed fields (§2.5)", async () => {
    await subscribe();
    const id = await createItem();
    const update = await fetch(`${instance()}_apis/wit/workitems/${id}?api-version=4.1`, {
      method: "PATCH",
      headers: restHeaders(token, "PATCH"),
      body: JSON.stringify([{ op: "replace", path: "/fields/System.AssignedTo", value: "grace@example.com" }]),
    });
    expect(((await update.json()) as { rev: number }).rev).toBe(2);
    await receiver.waitFor(1);
    const delivery = receiver.received[0]!;
    expect(delivery.path).toBe("/extensions/vsts/issue-updated/");
    expect(delivery.headers["shared-secret"]).toBe(secret);
    expect(delivery.headers["content-type"]).toBe("application/json; charset=utf-8");
    const payload = event(0);
    expect(payload).toMatchObject({ eventType: "workitem.updated", publisherId: "tfs", resourceVersion: "1.0", notificationId: 1 });
    expect(payload.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(payload.createdDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
    expect(payload.resource.workItemId).toBe(id);
    expect(payload.resource.rev).toBe(2);
    expect(payload.resource.id).toBe(2);
    expect(payload.resource.fields["System.AssignedTo"]).toEqual({ newValue: "Grace Hopper <grace@example.com>" });
    expect(payload.resource.fields["System.Rev"]).toEqual({ oldValue: 1, newValue: 2 });
    expect(payload.resource.fields).not.toHaveProperty("System.Title");
    expect(payload.resource.fields).not.toHaveProperty("System.State");
    expect(payload.resource.revision.fields["System.Title"]).toBe("Crash on save");
    expect(payload.resource.revision.fields["System.AssignedTo"]).toBe("Grace Hopper <grace@example.com>");
    expect(payload.resource.revisedBy.name).toBe("Ada Lovelace <ada@example.com>");
    expect(payload.resourceContainers.collection.id).toBe(org.collectionId);
    expect(payload.resourceContainers.account.id).toBe(org.id);
    expect(payload.resourceContainers.project.id).toBe(sim.control.workItem(id).projectId);
    expect(payload.resourceContainers.collection.baseUrl).toBe(instance());
  });

  it("delivers control-side reassignment, unassignment (oldValue only) and state changes (§2.5, sentry-behaviour §4.3)", async () => {
    await subscribe();
    const id = await sim.control.createWorkItem({ org: "fabrikam", project: "Fabrikam-Fiber", title: "Slow startup", assignedTo: "ada@example.com" });
    await sim.control.assignWorkItem(id, "grace@example.com");
    await sim.control.assignWorkItem(id, null);
    await sim.control.setState(id, "Resolved");
    expect(receiver.received).toHaveLength(3);
    expect(event(0).resource.fields["System.AssignedTo"]).toEqual({ oldValue: "Ada Lovelace <ada@example.com>", newValue: "Grace Hopper <grace@example.com>" });
    expect(event(1).resource.fields["System.AssignedTo"]).toEqual({ oldValue: "Grace Hopper <grace@example.com>" });
    expect(event(2).resource.fields["System.State"]).toEqual({ oldValue: "New", newValue: "Resolved" });
    expect(event(2).resource.fields).not.toHaveProperty("System.AssignedTo");
    expect(event(2).resource.revision.fields["System.State"]).toBe("Resolved");
    expect([event(0), event(1), event(2)].map((e) => e.notificationId)).toEqual([1, 2, 3]);
    expect([event(0), event(1), event(2)].map((e) => e.resource.rev)).toEqual([2, 3, 4]);
  });

  it("sends every httpHeaders line as a header and basic auth when configured (§2.4, §2.5)", async () => {
    await subscribe({
      ...sentrySubscription(receiver.url, secret),
      consumerInputs: { url: receiver.url, httpHeaders: `shared-secret:${secret}\nX-Extra: one`, basicAuthUsername: "hook", basicAuthPassword: "pw" },
    });
    const id = await sim.control.createWorkItem({ org: "fabrikam", project: "Fabrikam-Fiber", title: "x" });
    await sim.control.setState(id, "Active");
    const headers = receiver.received[0]!.headers;
    expect(headers["shared-secret"]).toBe(secret);
    expect(headers["x-extra"]).toBe("one");
    expect(headers.authorization).toBe(`Basic ${Buffer.from("hook:pw").toString("base64")}`);
  });

  it("delivers only to subscriptions whose projectId filter matches and that are enabled (§2.4)", async () => {
    const other = sim.control.addProject("fabrikam", "Other");
    await subscribe({ ...sentrySubscription(receiver.url, "for-other"), publisherInputs: { projectId: other.id } });
    const disabled = sim.control.createSubscription({ org: "fabrikam", url: receiver.url, sharedSecret: "disabled" });
    sim.control.setSubscriptionStatus(disabled, "disabledBySystem");
    const id = await sim.control.createWorkItem({ org: "fabrikam", project: "Fabrikam-Fiber", title: "x" });
    expect(await sim.control.setState(id, "Active")).toEqual([]);
    const otherId = await sim.control.createWorkItem({ org: "fabrikam", project: "Other", title: "y" });
    await sim.control.setState(otherId, "Active");
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.headers["shared-secret"]).toBe("for-other");
  });

  it("can hold deliveries and release them out of order, and redeliver one unchanged (§2.5)", async () => {
    sim.control.createSubscription({ org: "fabrikam", url: receiver.url, sharedSecret: secret });
    const id = await sim.control.createWorkItem({ org: "fabrikam", project: "Fabrikam-Fiber", title: "x" });
    sim.control.holdDeliveries();
    await sim.control.assignWorkItem(id, "grace@example.com");
    await sim.control.setState(id, "Active");
    expect(receiver.received).toHaveLength(0);
    expect(sim.control.heldDeliveries()).toBe(2);
    await sim.control.releaseDeliveries("reverse");
    expect([event(0).resource.rev, event(1).resource.rev]).toEqual([3, 2]);
    await sim.control.redeliver(0);
    expect(receiver.received).toHaveLength(3);
    expect(receiver.received[2]!.body).toBe(receiver.received[0]!.body);
  });

  it("sends to the configured webhook target instead of the consumer URL when one is set (§2.5)", async () => {
    const target = await startReceiver();
    try {
      sim.control.createSubscription({ org: "fabrikam", url: "http://127.0.0.1:9/unreachable", sharedSecret: secret });
      sim.control.setWebhookUrl(target.url);
      const id = await sim.control.createWorkItem({ org: "fabrikam", project: "Fabrikam-Fiber", title: "x" });
      await sim.control.setState(id, "Active");
      expect(target.received).toHaveLength(1);
      expect(target.received[0]!.headers["shared-secret"]).toBe(secret);
    } finally {
      sim.control.setWebhookUrl(undefined);
      await target.close();
    }
  });

  it("puts a failing subscription on probation and disables it after repeated failures (§2.4)", async () => {
    const subId = sim.control.createSubscription({ org: "fabrikam", url: receiver.url, sharedSecret: secret });
    receiver.status = 401;
    const id = await sim.control.createWorkItem({ org: "fabrikam", project: "Fabrikam-Fiber", title: "x" });
    await sim.control.setState(id, "Active");
    expect(sim.control.subscriptions("fabrikam").find((s) => s.id === subId)?.status).toBe("onProbation");
    for (let i = 0; i < 8; i++) await sim.control.updateWorkItem(id, { "System.Title": `title ${i}` });
    expect(sim.control.subscriptions("fabrikam").find((s) => s.id === subId)?.status).toBe("disabledBySystem");
    const sent = receiver.received.length;
    await sim.control.setState(id, "Closed");
    expect(receiver.received).toHaveLength(sent);
  });

  it("renders identities as IdentityRef objects for resourceVersion 5.1-preview.3 subscriptions (§2.5)", async () => {
    sim.control.createSubscription({ org: "fabrikam", url: receiver.url, sharedSecret: secret, resourceVersion: "5.1-preview.3" });
    const id = await sim.control.createWorkItem({ org: "fabrikam", project: "Fabrikam-Fiber", title: "x" });
    await sim.control.assignWorkItem(id, "grace@example.com");
    expect(event(0).resource.fields["System.AssignedTo"]?.newValue).toMatchObject({ uniqueName: "grace@example.com", displayName: "Grace Hopper" });
  });

  it("notifies workitem.created subscribers when a work item is created (§2.4)", async () => {
    sim.control.createSubscription({ org: "fabrikam", url: receiver.url, sharedSecret: secret, eventType: "workitem.created" });
    const id = await createItem("Brand new");
    await receiver.waitFor(1);
    const payload = JSON.parse(receiver.received[0]!.body) as { eventType: string; resource: { id: number; fields: Record<string, unknown> } };
    expect(payload.eventType).toBe("workitem.created");
    expect(payload.resource.id).toBe(id);
    expect(payload.resource.fields["System.Title"]).toBe("Brand new");
  });
});
