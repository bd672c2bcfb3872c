import type { SimClock } from "../shared/sim-clock.js";

export type RateResource = "core" | "search";

interface RateWindow {
  limit: number;
  used: number;
  resetAt: number;
}

/** GitHub's documented budgets (§1.5): 5,000/h for an installation, 30/min for search. */
const POLICY: Record<RateResource, { limit: number; windowSeconds: number }> = {
  core: { limit: 5000, windowSeconds: 3600 },
  search: { limit: 30, windowSeconds: 60 },
};

export interface RateLimitSetting {
  limit: number;
  /** What is left in the current window (default: all of `limit`). */
  remaining?: number;
  /** A bucket (`installation/<id>` or `app`); absent = every bucket, now and later. */
  bucket?: string;
  resource?: RateResource;
}

export interface RateVerdict {
  allowed: boolean;
  headers: Record<string, string>;
  resetAt: number;
}

/**
 * Primary rate-limit windows per bucket and resource, plus secondary limits, all on the simulator's
 * clock so that moving the clock past `x-ratelimit-reset` opens a fresh window.
 */
export class RateLimits {
  /** 403 by default; GitHub may also answer 429 for a spent primary limit (§1.5). */
  primaryStatus: 403 | 429 = 403;
  private readonly windows = new Map<string, RateWindow>();
  private readonly limits = new Map<string, number>();
  /** An all-bucket setting's window, so that buckets first seen later start from the same `remaining`. */
  private readonly sharedWindow = new Map<RateResource, RateWindow>();
  private readonly secondary = new Map<string, { until: number; status: 403 | 429 }>();

  constructor(private readonly clock: SimClock) {}

  private limitFor(bucket: string, resource: RateResource): number {
    return this.limits.get(`${bucket}:${resource}`) ?? this.limits.get(`*:${resource}`) ?? POLICY[resource].limit;
  }

  private window(bucket: string, resource: RateResource): RateWindow {
    const key = `${bucket}:${resource}`;
    const now = this.clock.nowSeconds();
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      const shared = this.sharedWindow.get(resource);
      const inherits = !window && shared && shared.resetAt > now && !this.limits.has(`${bucket}:${resource}`);
      window = inherits ? { ...shared } : { limit: this.limitFor(bucket, resource), used: 0, resetAt: now + POLICY[resource].windowSeconds };
      this.windows.set(key, window);
    }
    return window;
  }

  private headers(window: RateWindow, resource: RateResource): Record<string, string> {
    return {
      "x-ratelimit-limit": String(window.limit),
      "x-ratelimit-remaining": String(Math.max(0, window.limit - window.used)),
      "x-ratelimit-reset": String(window.resetAt),
      "x-ratelimit-used": String(window.used),
      "x-ratelimit-resource": resource,
    };
  }

  /** Counts one request against the bucket; refused (headers still set) when the window is spent. */
  consume(bucket: string, resource: RateResource = "core"): RateVerdict {
    const window = this.window(bucket, resource);
    if (window.used >= window.limit) return { allowed: false, headers: this.headers(window, resource), resetAt: window.resetAt };
    window.used += 1;
    return { allowed: true, headers: this.headers(window, resource), resetAt: window.resetAt };
  }

  /** The bucket's window as `GET /rate_limit` shows it (does not count). */
  snapshot(bucket: string, resource: RateResource): { limit: number; remaining: number; reset: number; used: number; resource: RateResource } {
    const window = this.window(bucket, resource);
    return { limit: window.limit, remaining: Math.max(0, window.limit - window.used), reset: window.resetAt, used: window.used, resource };
  }

  /** The bucket's `x-ratelimit-*` headers without counting a request. */
  snapshotHeaders(bucket: string, resource: RateResource): Record<string, string> {
    return this.headers(this.window(bucket, resource), resource);
  }

  /** Sets a budget: for one bucket, or for all buckets (existing windows restart with it). */
  configure(setting: RateLimitSetting): void {
    const resource = setting.resource ?? "core";
    const limit = Math.max(0, Math.floor(setting.limit));
    const remaining = Math.min(limit, Math.max(0, Math.floor(setting.remaining ?? limit)));
    const resetAt = this.clock.nowSeconds() + POLICY[resource].windowSeconds;
    const fresh = (): RateWindow => ({ limit, used: limit - remaining, resetAt });
    if (setting.bucket) {
      this.limits.set(`${setting.bucket}:${resource}`, limit);
      this.windows.set(`${setting.bucket}:${resource}`, fresh());
      return;
    }
    this.limits.set(`*:${resource}`, limit);
    this.sharedWindow.set(resource, fresh());
    for (const key of this.windows.keys()) {
      const [bucket, res] = key.split(":") as [string, RateResource];
      if (res === resource && !this.limits.has(`${bucket}:${resource}`)) this.windows.set(key, fresh());
    }
  }

  /** Back to GitHub's default budgets with fresh windows. */
  restorePrimary(): void {
    this.limits.clear();
    this.windows.clear();
    this.sharedWindow.clear();
    this.primaryStatus = 403;
  }

  /** Makes requests of a bucket (or all) hit a secondary limit until `retryAfterSeconds` have passed. */
  triggerSecondary(retryAfterSeconds: number, status: 403 | 429 = 429, bucket = "*"): void {
    this.secondary.set(bucket, { until: this.clock.nowSeconds() + Math.max(1, Math.ceil(retryAfterSeconds)), status });
  }

  /** The secondary limit in force for this bucket: seconds left and the status to answer. */
  secondaryFor(bucket: string): { retryAfter: number; status: 403 | 429 } | undefined {
    const now = this.clock.nowSeconds();
    for (const key of [bucket, "*"]) {
      const entry = this.secondary.get(key);
      if (!entry) continue;
      if (entry.until <= now) {
        this.secondary.delete(key);
        continue;
      }
      return { retryAfter: entry.until - now, status: entry.status };
    }
    return undefined;
  }

  clearSecondary(): void {
    this.secondary.clear();
  }

  clear(): void {
    this.restorePrimary();
    this.clearSecondary();
  }
}
