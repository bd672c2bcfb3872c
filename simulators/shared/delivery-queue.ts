/**
 * Sends webhook deliveries one after another (so they arrive in event order unless a test asks
 * otherwise), and can hold them back and release them in arrival order or reversed.
 */
export class DeliveryQueue<T> {
  private held: Array<() => Promise<T>> | undefined;
  private chain: Promise<unknown> = Promise.resolve();

  /** Queues deliveries instead of sending them, until `release`. */
  hold(): void {
    this.held ??= [];
  }

  /** Sends what was held, in arrival order or reversed (out-of-order delivery), and stops holding. */
  async release(order: "fifo" | "reverse" = "fifo"): Promise<T[]> {
    const jobs = this.held ?? [];
    this.held = undefined;
    if (order === "reverse") jobs.reverse();
    const out: T[] = [];
    for (const job of jobs) out.push(await job());
    return out;
  }

  /** How many deliveries are being held back. */
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

  /** Drops held deliveries and stops holding. */
  clear(): void {
    this.held = undefined;
  }

  /** Sends after every earlier delivery, or holds the job; resolves with its result (undefined at once when held). */
  protected schedule(job: () => Promise<T>): Promise<T | undefined> {
    if (this.held) {
      // Held deliveries are sent by `release`, which returns them; callers do not wait for them.
      this.held.push(job);
      return Promise.resolve(undefined);
    }
    const run = this.chain.then(job, job);
    this.chain = run.catch(() => undefined);
    return run;
  }
}
