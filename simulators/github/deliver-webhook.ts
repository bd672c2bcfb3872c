import { randomUUID } from "../shared/ids.js";
import type { SimServer } from "../shared/sim-server.js";
import { signPayload } from "./sign-payload.js";
import type { GithubState } from "./state.js";

/** One delivery the simulator made, with what the receiver answered. */
export interface GithubDeliveryRecord {
  deliveryId: string;
  event: string;
  action: string | undefined;
  installationId: number | undefined;
  payload: Record<string, unknown>;
  url: string;
  headers: Record<string, string>;
  body: string;
  status: number | null;
  error: string | null;
  redelivery: boolean;
  at: string;
}

/**
 * Sends webhook deliveries one after another, as GitHub's delivery service would, with the App
 * webhook headers and both signatures (§1.6). Callers that must not wait (REST handlers) let the
 * promise run; `flush()` waits for everything queued so far.
 */
export class GithubDeliveries {
  readonly records: GithubDeliveryRecord[] = [];
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly server: SimServer,
    private readonly state: GithubState,
  ) {}

  /** Queues one delivery; resolves with its record, or undefined when deliveries are off or have no target. */
  deliver(event: string, payload: Record<string, unknown>, deliveryId: string = randomUUID()): Promise<GithubDeliveryRecord | undefined> {
    return this.enqueue(() => this.send(event, payload, deliveryId, false));
  }

  /** Sends a previous delivery again with the same `X-GitHub-Delivery` GUID and body (re-signed with the current secret). */
  redeliver(deliveryId: string): Promise<GithubDeliveryRecord | undefined> {
    const original = this.records.find((r) => r.deliveryId === deliveryId);
    if (!original) return Promise.reject(new Error(`unknown delivery ${deliveryId}`));
    return this.enqueue(() => this.send(original.event, original.payload, deliveryId, true));
  }

  /** Waits until every delivery queued so far has been attempted. */
  async flush(): Promise<void> {
    await this.tail;
  }

  clear(): void {
    this.records.length = 0;
  }

  private enqueue(job: () => Promise<GithubDeliveryRecord | undefined>): Promise<GithubDeliveryRecord | undefined> {
    const run = this.tail.then(job);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async send(event: string, payload: Record<string, unknown>, deliveryId: string, redelivery: boolean): Promise<GithubDeliveryRecord | undefined> {
    const url = this.state.webhookUrl;
    if (!url || !this.state.deliveriesEnabled) return undefined;
    const json = JSON.stringify(payload);
    const form = this.state.webhookContentType === "form";
    const body = form ? `payload=${encodeURIComponent(json)}` : json;
    const signatures = signPayload(this.state.webhookSecret, body);
    const headers: Record<string, string> = {
      accept: "*/*",
      "content-type": form ? "application/x-www-form-urlencoded" : "application/json",
      "user-agent": `GitHub-Hookshot/${this.state.hookshotVersion}`,
      "x-github-event": event,
      "x-github-delivery": deliveryId,
      "x-github-hook-id": String(this.state.hookId),
      "x-github-hook-installation-target-type": "integration",
      "x-github-hook-installation-target-id": String(this.state.appId),
      "x-hub-signature": signatures.sha1,
      "x-hub-signature-256": signatures.sha256,
    };
    const sent = await this.server.webhooks.send(url, headers, body);
    const installation = payload.installation as { id?: unknown } | undefined;
    const record: GithubDeliveryRecord = {
      deliveryId,
      event,
      action: typeof payload.action === "string" ? payload.action : undefined,
      installationId: typeof installation?.id === "number" ? installation.id : undefined,
      payload,
      url,
      headers,
      body,
      status: sent.status,
      error: sent.error,
      redelivery,
      at: new Date(this.server.clock.now()).toISOString(),
    };
    this.records.push(record);
    return record;
  }
}
