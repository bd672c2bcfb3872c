/**
 * Nonces seen within the timestamp window. Like net.oauth's `SimpleOAuthValidator`, the key is
 * (timestamp, nonce, consumer key, token) and a nonce is recorded before the signature is checked, so
 * a request that fails later still uses up its nonce.
 */
export class NonceStore {
  private readonly seen = new Map<string, number>();

  /** Records the nonce; false when this (timestamp, nonce, consumer, token) was seen before. */
  use(entry: { timestamp: number; nonce: string; consumerKey: string; token: string | undefined }, nowSeconds: number, windowSeconds: number): boolean {
    this.prune(nowSeconds, windowSeconds);
    const key = JSON.stringify([entry.timestamp, entry.nonce, entry.consumerKey, entry.token ?? ""]);
    if (this.seen.has(key)) return false;
    this.seen.set(key, entry.timestamp);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  clear(): void {
    this.seen.clear();
  }

  // A nonce older than the window can never be replayed (its timestamp would be refused), so forget it.
  private prune(nowSeconds: number, windowSeconds: number): void {
    for (const [key, timestamp] of this.seen) {
      if (timestamp < nowSeconds - windowSeconds) this.seen.delete(key);
    }
  }
}
