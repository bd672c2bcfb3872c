/** One webhook the simulator sent, with how the receiver answered. */
export interface Delivery {
  url: string;
  headers: Record<string, string>;
  body: string;
  status: number | null;
  error: string | null;
  at: string;
}

/** Sends signed webhooks to the configured receiver and remembers each attempt. */
export class WebhookSender {
  readonly deliveries: Delivery[] = [];

  async send(url: string, headers: Record<string, string>, body: string): Promise<Delivery> {
    const delivery: Delivery = { url, headers, body, status: null, error: null, at: new Date().toISOString() };
    try {
      const response = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(10_000) });
      delivery.status = response.status;
      await response.arrayBuffer();
    } catch (error) {
      delivery.error = (error as Error).message;
    }
    this.deliveries.push(delivery);
    return delivery;
  }

  clear(): void {
    this.deliveries.length = 0;
  }
}
