import { currentOrg } from "./session.js";

/** An API answer that was not a success, with what a person needs to act on it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string[]> | null = null,
  ) {
    super(message);
  }
}

/** A successful answer and its pagination links. */
export interface ApiResult<T> {
  data: T;
  /** Cursors from Sentry's Link header, present only when following them finds results. */
  next: string | null;
  previous: string | null;
}

let onUnauthorized: () => void = () => {};

/** What to do when the session has ended (the router sends the person to the login page). */
export function handleUnauthorized(callback: () => void): void {
  onUnauthorized = callback;
}

function csrfToken(): string {
  const match = /(?:^|;\s*)sb_csrf=([^;]+)/.exec(document.cookie);
  return match?.[1] ?? "";
}

function cursor(link: string | null, rel: string): string | null {
  if (!link) return null;
  for (const part of link.split(/,\s*(?=<)/)) {
    if (!part.includes(`rel="${rel}"`) || !part.includes('results="true"')) continue;
    return /cursor="([^"]+)"/.exec(part)?.[1] ?? null;
  }
  return null;
}

function errorFrom(status: number, body: unknown, headerCode: string | null): ApiError {
  if (body && typeof body === "object") {
    const b = body as Record<string, unknown>;
    if (typeof b.detail === "string") return new ApiError(status, typeof b.code === "string" ? b.code : (headerCode ?? `http_${status}`), b.detail);
    const fields = Object.fromEntries(Object.entries(b).filter(([, v]) => Array.isArray(v))) as Record<string, string[]>;
    if (Object.keys(fields).length) {
      const message = Object.entries(fields).map(([k, v]) => (k === "non_field_errors" ? v.join(" ") : `${k}: ${v.join(" ")}`)).join("; ");
      return new ApiError(status, headerCode ?? "invalid_input", message, fields);
    }
  }
  return new ApiError(status, `http_${status}`, `The server answered ${status}.`);
}

/** Calls the API as the signed-in member (session cookie, CSRF header on writes, current organization). */
export async function request<T>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { accept: "application/json" };
  const org = currentOrg();
  if (org) headers["x-switchboard-organization"] = org;
  if (method !== "GET") headers["x-csrf-token"] = csrfToken();
  if (body !== undefined) headers["content-type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin" });
  } catch {
    throw new ApiError(0, "network_error", "Switchboard could not be reached. Check that the service is running and your connection, then retry.");
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  if (!res.ok) {
    const error = errorFrom(res.status, parsed, res.headers.get("x-error-code"));
    if (res.status === 401 && !path.startsWith("/api/0/auth/")) onUnauthorized();
    throw error;
  }
  const link = res.headers.get("link");
  return { data: parsed as T, next: cursor(link, "next"), previous: cursor(link, "previous") };
}

/** GET, returning only the data. */
export async function get<T>(path: string): Promise<T> {
  return (await request<T>("GET", path)).data;
}

/** A sentence for a failed call that tells the person what to do next. */
export function describeError(error: unknown, what: string): string {
  if (!(error instanceof ApiError)) return `Could not ${what}: ${error instanceof Error ? error.message : String(error)}. Reload the page to try again.`;
  switch (true) {
    case error.status === 0:
      return `Could not ${what}. ${error.message}`;
    case error.status === 401:
      return `Could not ${what}: your session has ended. Log in again.`;
    case error.code === "csrf_token_invalid":
      return `Could not ${what}: the page's security token is out of date. Reload the page and try again.`;
    case error.code === "feature_disabled":
      return `Could not ${what}: this needs a feature switch that is off for the organization (Settings → Feature switches).`;
    case error.status === 403:
      return `Could not ${what}: you are not allowed to (${error.message}).`;
    case error.status === 404:
      return `Could not ${what}: it does not exist, or this server does not offer it yet (${error.code}).`;
    case error.status === 429:
      return `Could not ${what}: too many requests. Wait a moment and retry.`;
    case error.status >= 500:
      return `Could not ${what}: the server failed (${error.code}). Retry; if it keeps failing, check the service's logs.`;
    default:
      return `Could not ${what}: ${error.message}`;
  }
}

/** Percent-encodes one path segment. */
export const seg = (value: string | number): string => encodeURIComponent(String(value));
