import type { AcquireOptions, LockLease } from "./lock.js";

const DEFAULT_RETRY_DELAY_MS = 50;

/**
 * Calls `attempt` until it yields a lease or `waitMs` has passed (then null). Waiting is measured in
 * real time, whatever clock decides expiry: a waiter really sleeps.
 */
export async function waitForLock(attempt: () => Promise<LockLease | null>, options: AcquireOptions): Promise<LockLease | null> {
  const deadline = performance.now() + Math.max(0, options.waitMs ?? 0);
  const retryDelay = Math.max(1, options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS);
  for (;;) {
    const lease = await attempt();
    if (lease) return lease;
    const remaining = deadline - performance.now();
    if (remaining <= 0) return null;
    // Jitter spreads waiters that started together, so they do not all retry in the same instant.
    const pause = Math.min(remaining, retryDelay * (0.5 + Math.random()));
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

/** Rejects a ttl that would make a lock lapse at once or never. */
export function assertLockTtl(ttlMs: number): void {
  if (!Number.isFinite(ttlMs) || ttlMs < 1) throw new Error(`Lock ttl must be a positive number of milliseconds, got ${ttlMs}`);
}
