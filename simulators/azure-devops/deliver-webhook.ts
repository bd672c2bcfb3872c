import { randomUUID } from "node:crypto";
import { DeliveryQueue } from "../shared/delivery-queue.js";
import type { SimServer } from "../shared/sim-server.js";
import type { Delivery } from "../shared/webhook-sender.js";
import type { AzureOrganization, AzureState, HookSubscription, WorkItem, WorkItemUpdate } from "./state.js";
import { deliveryHeaders, eventsFor, subscriptionMatches, workItemEventPayload } from "./work-item-events.js";

/** One notification as sent, kept so it can be sent again unchanged. */
export interface SentNotification {
  subscriptionId: string;
  notificationId: number;
  eventType: string;
  workItemId: number;
  rev: number;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** After this many failures in a row Azure stops delivering to a subscription. */
const DISABLE_AFTER_FAILURES = 8;

/**
 * Sends service-hook notifications one after another (so they arrive in revision order unless a test
 * asks otherwise), can hold them back and release them in any order, and can send one again.
 */
export class AzureDeliveries extends DeliveryQueue<Delivery | undefined> {
  readonly sent: SentNotification[] = [];

  constructor(
    private readonly server: SimServer,
    private readonly state: AzureState,
  ) {
    super();
  }

  /** Notifies every matching subscription of the organization about one revision; resolves when sent (at once when held). */
  notify(org: AzureOrganization, item: WorkItem, update: WorkItemUpdate): Promise<Delivery[]> {
    const jobs: Array<Promise<Delivery | undefined>> = [];
    for (const eventType of eventsFor(update)) {
      const eventId = randomUUID();
      for (const sub of org.subscriptions.values()) {
        if (!subscriptionMatches(sub, eventType, item, update)) continue;
        const notificationId = sub.nextNotificationId++;
        const body = JSON.stringify(workItemEventPayload(this.state, this.server.url, org, item, update, eventType, sub, notificationId, eventId));
        const notification: SentNotification = {
          subscriptionId: sub.id,
          notificationId,
          eventType,
          workItemId: item.id,
          rev: update.rev,
          url: sub.consumerInputs.url ?? "",
          headers: deliveryHeaders(sub),
          body,
        };
        jobs.push(this.schedule(() => this.send(sub, notification)));
      }
    }
    return Promise.all(jobs).then((all) => all.filter((d): d is Delivery => !!d));
  }

  /** Sends a notification that was sent before, byte for byte (a redelivery). */
  redeliver(index: number): Promise<Delivery | undefined> {
    const notification = this.sent.at(index);
    if (!notification) return Promise.reject(new Error(`no notification at index ${index}`));
    const sub = this.findSubscription(notification.subscriptionId);
    return this.schedule(() => this.send(sub, notification));
  }

  override clear(): void {
    this.sent.length = 0;
    super.clear();
  }

  private findSubscription(id: string): HookSubscription | undefined {
    for (const org of this.state.organizations.values()) {
      const sub = org.subscriptions.get(id);
      if (sub) return sub;
    }
    return undefined;
  }

  private async send(sub: HookSubscription | undefined, notification: SentNotification): Promise<Delivery> {
    const url = this.state.webhookUrl ?? notification.url;
    const delivery = await this.server.webhooks.send(url, notification.headers, notification.body);
    this.sent.push({ ...notification, url });
    if (sub) {
      const ok = delivery.status !== null && delivery.status >= 200 && delivery.status < 300;
      if (ok) {
        sub.consecutiveFailures = 0;
        if (sub.status === "onProbation") sub.status = "enabled";
      } else {
        sub.consecutiveFailures++;
        if (sub.consecutiveFailures >= DISABLE_AFTER_FAILURES) sub.status = "disabledBySystem";
        else if (sub.status === "enabled") sub.status = "onProbation";
      }
    }
    return delivery;
  }
}
