/**
 * A held lock. `token` identifies the owner (release and extend check it); `fence` increases with
 * every acquisition of the same key, so a store write can refuse a holder older than the newest.
 */
export interface LockLease {
  key: string;
  token: string;
  fence: number;
  /** Epoch ms at which the lock lapses unless extended. */
  expiresAt: number;
}

export interface AcquireOptions {
  /** How long the lock lives unless extended or released. */
  ttlMs: number;
  /** How long to wait for a busy lock before giving up (0 = try once). */
  waitMs?: number;
  /** Pause between attempts while waiting. */
  retryDelayMs?: number;
}

/** Mutual exclusion with expiry, owner-checked release and fencing tokens. */
export interface LockManager {
  /** Takes the lock, or returns null when it stayed busy for `waitMs`. */
  acquire(key: string, options: AcquireOptions): Promise<LockLease | null>;
  /** Releases only if `lease` still owns the lock; false when it had lapsed or was taken over. */
  release(lease: LockLease): Promise<boolean>;
  /** Pushes the expiry to now + ttlMs if `lease` still owns the lock. */
  extend(lease: LockLease, ttlMs: number): Promise<boolean>;
  /** Whether `lease` still owns the lock. */
  isHeld(lease: LockLease): Promise<boolean>;
  close(): Promise<void>;
}
