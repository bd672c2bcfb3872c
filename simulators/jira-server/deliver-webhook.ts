import type { SimServer } from "../shared/sim-server.js";
import type { Delivery } from "../shared/webhook-sender.js";
import type { IssueEvent } from "./issue-changes.js";
import { deliveryUrl, issueEventPayload } from "./issue-events.js";
import { compileJql, JqlError } from "./jql.js";
import type { JiraState, JiraWebhook } from "./state.js";

/** What Jira Server sends with a webhook: JSON, its HTTP client's user agent, and no signature (§3.4). */
export const DELIVERY_HEADERS = {
  "content-type": "application/json; charset=UTF-8",
  "user-agent": "Atlassian HttpClient 2.1.5 / JIRA-9.12.2 (9120002) / Default",
};

/** One delivery as sent, kept so it can be sent again byte for byte. */
export interface SentDelivery {
  webhookId: number | null;
  webhookEvent: string;
  issueKey: string;
  url: string;
  body: string;
}

/**
 * Sends issue events to every enabled webhook subscribed to the event whose JQL filter matches the
 * issue, and to the webhook target if one is set. Deliveries go out one at a time in event order,
 * unless held back and released in another order. Jira Server does not retry a failed delivery.
 */
export class JiraDeliveries {
  readonly sent: SentDelivery[] = [];
  private held: Array<() => Promise<Delivery>> | undefined;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly server: SimServer,
    private readonly state: JiraState,
  ) {}

  /** Builds the payload now (the issue as it is after this change) and sends it; resolves when answered (at once when held). */
  notify(event: IssueEvent): Promise<Delivery[]> {
    const body = JSON.stringify(issueEventPayload(this.server.url, this.state, event));
    const projectKey = this.state.projects.get(event.issue.projectId)?.key ?? "";
    const jobs: Array<Promise<Delivery | undefined>> = [];
    for (const webhook of this.state.webhooks.values()) {
      if (!webhook.enabled || !webhook.events.includes(event.webhookEvent) || !this.filterMatches(webhook, event)) continue;
      const delivery: SentDelivery = { webhookId: webhook.id, webhookEvent: event.webhookEvent, issueKey: event.issue.key, url: deliveryUrl(webhook, event, projectKey), body: webhook.excludeBody ? "" : body };
      jobs.push(this.schedule(delivery));
    }
    if (this.state.webhookTarget) {
      jobs.push(this.schedule({ webhookId: null, webhookEvent: event.webhookEvent, issueKey: event.issue.key, url: deliveryUrl({ url: this.state.webhookTarget }, event, projectKey), body }));
    }
    return Promise.all(jobs).then((all) => all.filter((d): d is Delivery => !!d));
  }

  /** Sends a delivery that was sent before, unchanged (as the webhook admin page's resend would). */
  redeliver(index: number): Promise<Delivery | undefined> {
    const delivery = this.sent.at(index);
    if (!delivery) return Promise.reject(new Error(`no delivery at index ${index}`));
    return this.schedule(delivery);
  }

  /** Queues deliveries instead of sending them, until `release`. */
  hold(): void {
    this.held ??= [];
  }

  /** Sends what was held, in arrival order or reversed (out-of-order delivery), and stops holding. */
  async release(order: "fifo" | "reverse" = "fifo"): Promise<Delivery[]> {
    const jobs = this.held ?? [];
    this.held = undefined;
    if (order === "reverse") jobs.reverse();
    const out: Delivery[] = [];
    for (const job of jobs) out.push(await job());
    return out;
  }

  heldCount(): number {
    return this.held?.length ?? 0;
  }

  /** Resolves once every delivery started so far has been answered. */
  async settled(): Promise<void> {
    let current: Promise<unknown>;
    do {
      current = this.chain;
      await current;
    } while (current !== this.chain);
  }

  clear(): void {
    this.sent.length = 0;
    this.held = undefined;
  }

  private filterMatches(webhook: JiraWebhook, event: IssueEvent): boolean {
    if (!webhook.jqlFilter.trim()) return true;
    try {
      return compileJql(this.state, webhook.jqlFilter, undefined).matches(event.issue);
    } catch (error) {
      // A filter that no longer validates (a deleted project, say) matches nothing.
      if (error instanceof JqlError) return false;
      throw error;
    }
  }

  private schedule(delivery: SentDelivery): Promise<Delivery | undefined> {
    const job = () => this.send(delivery);
    if (this.held) {
      this.held.push(job);
      return Promise.resolve(undefined);
    }
    const run = this.chain.then(job, job);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async send(delivery: SentDelivery): Promise<Delivery> {
    const result = await this.server.webhooks.send(delivery.url, { ...DELIVERY_HEADERS }, delivery.body);
    this.sent.push(delivery);
    return result;
  }
}
