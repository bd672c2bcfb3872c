import { systemClock, type Clock } from "../clock.js";
import type { Cache } from "./cache.js";

export interface MemoryCacheOptions {
  /** Entries kept before the least recently used one is evicted (default 10,000). */
  maxEntries?: number;
  clock?: Clock;
}

interface Entry {
  value: string;
  /** Epoch ms after which the entry is gone. */
  expiresAt: number;
}

/** In-process LRU cache with per-entry expiry (the embedded mode's cache). */
export class MemoryCache implements Cache {
  // A Map iterates in insertion order, so re-inserting on every read keeps the least recently used first.
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly clock: Clock;

  constructor(options: MemoryCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.clock = options.clock ?? systemClock;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) throw new Error("maxEntries must be a positive integer");
  }

  async get(key: string): Promise<string | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.clock.now()) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    assertTtl(ttlSeconds);
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.clock.now() + ttlSeconds * 1000 });
    if (this.entries.size > this.maxEntries) this.evict();
  }

  async delete(...keys: string[]): Promise<number> {
    const now = this.clock.now();
    let existed = 0;
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (entry && this.entries.delete(key) && entry.expiresAt > now) existed++;
    }
    return existed;
  }

  async close(): Promise<void> {
    this.entries.clear();
  }

  /** Drops expired entries first (they cost nothing to lose), then the least recently used. */
  private evict(): void {
    const now = this.clock.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) this.entries.delete(key);
    }
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(key);
    }
  }
}

/** Rejects a ttl that would store an entry already expired (or forever). */
export function assertTtl(ttlSeconds: number): void {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) throw new Error(`Cache ttl must be a positive number of seconds, got ${ttlSeconds}`);
}
