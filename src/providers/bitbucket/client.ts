import type { App } from "../../app.js";
import { AppError } from "../../domain/errors.js";
import { sendAuthorized, type AuthScheme } from "../../auth/authorize.js";
import { atlassianConnectJwtScheme, readConnectInstallation } from "../../auth/schemes/atlassian-connect-jwt.js";
import { describeTarget, type HttpResponse, type SendOptions } from "../../platform/http/send-http.js";
import { assertTargetAllowed } from "../../platform/http/target-policy.js";
import { bitbucketDescriptor } from "./install.js";

export interface BitbucketRequestOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

/** One page of a Bitbucket 2.0 collection. */
export interface BitbucketPage<T> {
  values: T[];
  next?: string;
  size?: number;
}

/** Bitbucket's error bodies: `{"type":"error","error":{"message","fields"}}` or `{"message","fields"}`. */
function bitbucketMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown; fields?: unknown }; message?: unknown; fields?: unknown };
    const message = body.error?.message ?? body.message;
    const fields = (body.error?.fields ?? body.fields) as Record<string, unknown> | undefined;
    const parts = [typeof message === "string" ? message : ""];
    if (fields && typeof fields === "object") parts.push(...Object.entries(fields).map(([f, m]) => `${f}: ${Array.isArray(m) ? m.join(", ") : String(m)}`));
    return parts.filter(Boolean).join("; ");
  } catch {
    return "";
  }
}

/** A Bitbucket answer as a typed error; the message names origin and path only (never the token). */
export function bitbucketError(method: string, url: string, response: HttpResponse): AppError {
  const said = bitbucketMessage(response.text);
  const message = `Bitbucket answered ${method} ${describeTarget(url)} with HTTP ${response.status}${said ? `: ${said}` : ""}`;
  const detail = { status: response.status };
  if (response.status === 404) return new AppError("not_found", "bitbucket_not_found", message, { detail });
  if (response.status === 400) return new AppError("validation", "bitbucket_rejected", message, { detail });
  if (response.status === 401) return new AppError("upstream", "bitbucket_unauthorized", `${message}; the app's shared secret was refused: reinstall the app`, { detail });
  if (response.status === 403) return new AppError("upstream", "bitbucket_forbidden", message, { detail });
  if (response.status === 429) return new AppError("rate_limited", "bitbucket_rate_limited", message, { detail });
  return new AppError("upstream", "bitbucket_api_error", message, { detail });
}

/** Calls the Bitbucket 2.0 API as our Connect app for one installation (§8.2). */
export class BitbucketClient {
  constructor(
    readonly baseUrl: string,
    private readonly scheme: AuthScheme,
    private readonly send: SendOptions,
  ) {}

  /** The client of a Bitbucket integration: base URL and sealed shared secret from its install metadata. */
  static async forIntegration(app: App, integrationId: number): Promise<BitbucketClient> {
    // The descriptor's key is the app key Bitbucket checks as `iss`: one source for both.
    const appKey = String(bitbucketDescriptor(app.config.publicUrl).key);
    const installation = await readConnectInstallation(app.store.db, app.vault, integrationId, appKey);
    const send: SendOptions = { allowedPrivateTargets: app.config.allowPrivateTargets };
    await assertTargetAllowed(installation.baseUrl, send.allowedPrivateTargets);
    // The first attempt reuses what was just read; a retry after a 401 re-reads (a re-install replaces the secret).
    let first: typeof installation | undefined = installation;
    const load = async () => {
      const ready = first;
      first = undefined;
      return ready ?? readConnectInstallation(app.store.db, app.vault, integrationId, appKey);
    };
    return new BitbucketClient(installation.baseUrl.replace(/\/+$/, ""), atlassianConnectJwtScheme(load, app.clock), send);
  }

  /** Sends one JSON request; 2xx gives the parsed body (undefined when empty), anything else a typed error. */
  async request<T>(method: string, pathOrUrl: string, options: BitbucketRequestOptions = {}): Promise<T> {
    const url = new URL(pathOrUrl.startsWith("http") ? pathOrUrl : `${this.baseUrl}${pathOrUrl}`);
    // `next` links are absolute: only follow them on the API's own origin, where our token belongs.
    if (url.origin !== new URL(this.baseUrl).origin) throw new AppError("upstream", "bitbucket_foreign_link", `Bitbucket linked to another host (${url.host}); not followed`);
    for (const [name, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(name, String(value));
    const headers: Record<string, string> = { accept: "application/json" };
    if (options.body !== undefined) headers["content-type"] = "application/json";
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const response = await sendAuthorized(this.scheme, { method, url: url.toString(), headers, body }, this.send);
    if (response.status < 200 || response.status >= 300) throw bitbucketError(method, url.toString(), response);
    if (!response.text) return undefined as T;
    try {
      return JSON.parse(response.text) as T;
    } catch {
      throw new AppError("upstream", "bitbucket_bad_response", `Bitbucket answered ${method} ${describeTarget(url)} with a body that is not JSON`);
    }
  }

  /** Every value of a paginated collection, following `next` until `limit` values (pages of `pageLength`, at most Bitbucket's 100). */
  async collect<T>(path: string, query: Record<string, string | number | undefined>, limit: number, pageLength = limit): Promise<T[]> {
    const values: T[] = [];
    let page = await this.request<BitbucketPage<T>>("GET", path, { query: { ...query, pagelen: Math.min(100, Math.max(1, pageLength)) } });
    for (;;) {
      values.push(...page.values);
      if (values.length >= limit || !page.next) return values.slice(0, limit);
      page = await this.request<BitbucketPage<T>>("GET", page.next);
    }
  }
}
