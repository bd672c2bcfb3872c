import { AppError } from "../../domain/errors.js";
import { assertTargetAllowed, type Resolve } from "./target-policy.js";

/** One outbound HTTP request, before or after a scheme has authorized it. */
export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Per-attempt timeout (default 15 s). */
  timeoutMs?: number;
  /** Whether a network failure or a 502/503/504 may be retried; defaults to the method's idempotence. */
  idempotent?: boolean;
}

/** What came back, with the body already read. */
export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The final URL (after same-origin redirects). */
  url: string;
}

export interface SendOptions {
  /** Hosts or addresses in private ranges this deployment may reach (`SWITCHBOARD_ALLOW_PRIVATE_TARGETS`). */
  allowedPrivateTargets: readonly string[];
  /** Retries after the first attempt for idempotent requests (default 2). */
  retries?: number;
  /** Base back-off in ms, doubled per retry with jitter (default 200). */
  backoffMs?: number;
  resolve?: Resolve;
}

const IDEMPOTENT = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);
const RETRIABLE_STATUS = new Set([502, 503, 504]);
const MAX_REDIRECTS = 3;
/** Targets already checked, so a hot path does not resolve DNS on every call. */
const checkedTargets = new Map<string, number>();
const CHECK_TTL_MS = 60_000;

/** Where a request went, without query string (Atlassian puts JWTs there) or credentials: safe for errors and logs. */
export function describeTarget(url: string | URL): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}

/**
 * Sends a request with the outbound policy: the target must pass `assertTargetAllowed`, every attempt has
 * a timeout, redirects are followed only within the same origin (never to another host, so a credential
 * cannot leak there), and idempotent requests are retried with back-off on network failures and 502/503/504.
 */
export async function sendHttp(request: HttpRequest, options: SendOptions): Promise<HttpResponse> {
  const method = request.method.toUpperCase();
  const idempotent = request.idempotent ?? IDEMPOTENT.has(method);
  const retries = idempotent ? (options.retries ?? 2) : 0;
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await sendFollowingSameOrigin({ ...request, method }, options);
      if (attempt < retries && RETRIABLE_STATUS.has(response.status)) {
        await sleep(backoff(options.backoffMs ?? 200, attempt));
        continue;
      }
      return response;
    } catch (error) {
      if (error instanceof AppError && error.kind !== "unavailable") throw error;
      if (attempt >= retries) throw error;
      await sleep(backoff(options.backoffMs ?? 200, attempt));
    }
  }
}

async function sendFollowingSameOrigin(request: HttpRequest, options: SendOptions): Promise<HttpResponse> {
  let url = new URL(request.url);
  for (let hop = 0; ; hop++) {
    await checkTarget(url, options);
    const response = await fetchOnce({ ...request, url: url.toString() });
    if (response.status < 300 || response.status >= 400 || !response.headers.get("location")) return response;
    const next = new URL(response.headers.get("location") as string, url);
    if (next.origin !== url.origin) {
      throw new AppError("upstream", "outbound_redirect_refused", `${describeTarget(url)} redirected to another host (${next.host}); the redirect was not followed`);
    }
    if (hop >= MAX_REDIRECTS || (request.method !== "GET" && request.method !== "HEAD")) return response;
    url = next;
  }
}

async function checkTarget(url: URL, options: SendOptions): Promise<void> {
  // The verdict depends on the allowed list too: two apps in one process may allow different targets.
  const key = `${url.host}|${options.allowedPrivateTargets.join(",")}`;
  const checkedAt = checkedTargets.get(key);
  if (checkedAt !== undefined && Date.now() - checkedAt < CHECK_TTL_MS) return;
  await assertTargetAllowed(url, options.allowedPrivateTargets, options.resolve);
  checkedTargets.set(key, Date.now());
}

async function fetchOnce(request: HttpRequest): Promise<HttpResponse> {
  const timeoutMs = request.timeoutMs ?? 15_000;
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: response.status, headers: response.headers, text: await response.text(), url: request.url };
  } catch (error) {
    const name = (error as Error).name;
    if (name === "TimeoutError" || name === "AbortError") {
      throw new AppError("unavailable", "outbound_timeout", `${describeTarget(request.url)} did not answer within ${timeoutMs / 1000} s`);
    }
    throw new AppError("unavailable", "outbound_unreachable", `${describeTarget(request.url)} could not be reached`, { cause: error });
  }
}

function backoff(baseMs: number, attempt: number): number {
  const delay = baseMs * 2 ** attempt;
  return delay / 2 + Math.random() * (delay / 2);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
