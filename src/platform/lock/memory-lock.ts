import { randomUUID } from "node:crypto";
import { systemClock, type Clock } from "../clock.js";
import type { AcquireOptions, LockLease, LockManager } from "./lock.js";
import { assertLockTtl, waitForLock } from "./wait-for-lock.js";

export interface MemoryLockOptions {
  clock?: Clock;
}

interface Holder {
  token: string;
  expiresAt: number;
}

/** In-process locks (the embedded mode): one process is the whole deployment, so a Map suffices. */
export class MemoryLockManager implements LockManager {
  private readonly holders = new Map<string, Holder>();
  // Kept after release so a later holder's fence is still higher than every earlier one.
  private readonly fences = new Map<string, number>();
  private readonly clock: Clock;

  constructor(options: MemoryLockOptions = {}) {
    this.clock = options.clock ?? systemClock;
  }

  async acquire(key: string, options: AcquireOptions): Promise<LockLease | null> {
    assertLockTtl(options.ttlMs);
    return waitForLock(async () => this.tryAcquire(key, options.ttlMs), options);
  }

  async release(lease: LockLease): Promise<boolean> {
    if (!this.owns(lease)) return false;
    this.holders.delete(lease.key);
    return true;
  }

  async extend(lease: LockLease, ttlMs: number): Promise<boolean> {
    assertLockTtl(ttlMs);
    const holder = this.holders.get(lease.key);
    if (!holder || !this.owns(lease)) return false;
    holder.expiresAt = this.clock.now() + ttlMs;
    lease.expiresAt = holder.expiresAt;
    return true;
  }

  async isHeld(lease: LockLease): Promise<boolean> {
    return this.owns(lease);
  }

  async close(): Promise<void> {
    this.holders.clear();
  }

  private tryAcquire(key: string, ttlMs: number): LockLease | null {
    const now = this.clock.now();
    const current = this.holders.get(key);
    if (current && current.expiresAt > now) return null;
    const fence = (this.fences.get(key) ?? 0) + 1;
    this.fences.set(key, fence);
    const holder = { token: randomUUID(), expiresAt: now + ttlMs };
    this.holders.set(key, holder);
    return { key, token: holder.token, fence, expiresAt: holder.expiresAt };
  }

  private owns(lease: LockLease): boolean {
    const holder = this.holders.get(lease.key);
    return holder !== undefined && holder.token === lease.token && holder.expiresAt > this.clock.now();
  }
}
