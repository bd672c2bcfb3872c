import { DeliveryQueue } from "../shared/delivery-queue.js";
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
export class JiraDeliveries extends DeliveryQueue<Delivery> {
  readonly sent: SentDelivery[] = [];

  constructor(
    private readonly server: SimServer,
    private readonly state: JiraState,
  ) {
    super();
  }

  /** Builds the payload now (the issue as it is after this change) and sends it; resolves when answered (at once when held). */
  notify(event: IssueEvent): Promise<Delivery[]> {
    const body = JSON.stringify(issueEventPayload(this.server.url, this.state, event));
    const projectKey = this.state.projects.get(event.issue.projectId)?.key ?? "";
    const jobs: Array<Promise<Delivery | undefined>> = [];
    for (const webhook of this.state.webhooks.values()) {
      if (!webhook.enabled || !webhook.events.includes(event.webhookEvent) || !this.filterMatches(webhook, event)) continue;
      const delivery: SentDelivery = { webhookId: webhook.id, webhookEvent: event.webhookEvent, issueKey: event.issue.key, url: deliveryUrl(webhook, event, projectKey), body: webhook.excludeBody ? "" : body };
      jobs.push(this.schedule(() => this.send(delivery)));
    }
    if (this.state.webhookTarget) {
      const delivery: SentDelivery = { webhookId: null, webhookEvent: event.webhookEvent, issueKey: event.issue.key, url: deliveryUrl({ url: this.state.webhookTarget }, event, projectKey), body };
      jobs.push(this.schedule(() => this.send(delivery)));
    }
    return Promise.all(jobs).then((all) => all.filter((d): d is Delivery => !!d));
  }

  /** Sends a delivery that was sent before, unchanged (as the webhook admin page's resend would). */
  redeliver(index: number): Promise<Delivery | undefined> {
    const delivery = this.sent.at(index);
    if (!delivery) return Promise.reject(new Error(`no delivery at index ${index}`));
    return this.schedule(() => this.send(delivery));
  }

  override clear(): void {
    this.sent.length = 0;
    super.clear();
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

  private async send(delivery: SentDelivery): Promise<Delivery> {
    const result = await this.server.webhooks.send(delivery.url, { ...DELIVERY_HEADERS }, delivery.body);
    this.sent.push(delivery);
    return result;
  }
}
