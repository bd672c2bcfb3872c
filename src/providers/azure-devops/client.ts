import { sendAuthorized, type AuthScheme } from "../../auth/authorize.js";
import { AppError } from "../../domain/errors.js";
import { describeTarget, type HttpResponse, type SendOptions } from "../../platform/http/send-http.js";

/** Sentry's API version for every call (§1.2); preview APIs (type states) add `-preview.1`. */
export const API_VERSION = "4.1";
export const API_VERSION_PREVIEW = "-preview.1";

export interface AzureRequestOptions {
  body?: unknown;
  /** Query parameters (api-version travels in `Accept`, as Sentry sends it). */
  query?: Record<string, string | number | undefined>;
  /** Preview API: `api-version=4.1-preview.1`. */
  preview?: boolean;
}

/** A response with its parsed JSON body and the continuation token Azure pages with. */
export interface AzureResponse<T> {
  status: number;
  data: T;
  continuationToken: string | undefined;
}

/** The four non-auth headers of every call (§1.2). */
export function azureHeaders(method: string, preview: boolean): Record<string, string> {
  return {
    accept: `application/json; api-version=${API_VERSION}${preview ? API_VERSION_PREVIEW : ""}`,
    "content-type": method === "PATCH" ? "application/json-patch+json" : "application/json",
    "x-http-method-override": method,
    // Without it an expired token gets a 203 HTML sign-in page instead of a 401 (contracts §2.2).
    "x-tfs-fedauthredirect": "Suppress",
  };
}

function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Sentry's error mapping: an identity Azure will not accept (401, or the sign-in page) is
 * `identity_not_valid`; any other failure is `azure_api_error`. Messages are `HTTP <status> (<error>):
 * <description>`, from Azure's `typeKey`/`message` or OAuth's `error`/`error_description`.
 */
export function azureError(response: HttpResponse): AppError {
  const payload = (parseJson(response.text) ?? {}) as Record<string, unknown>;
  const name = String(payload.typeKey ?? payload.error ?? payload.Error ?? "unknown_error");
  const description = String(payload.message ?? payload.error_description ?? payload.ErrorDescription ?? "no description available");
  const message = `HTTP ${response.status} (${name}): ${description}`;
  const detail = { status: response.status, target: describeTarget(response.url) };
  if (response.status === 401 || response.status === 203) return new AppError("unauthorized", "identity_not_valid", message, { detail });
  const kind = response.status === 404 ? "not_found" : response.status === 429 ? "rate_limited" : "upstream";
  return new AppError(kind, "azure_api_error", message, { detail });
}

/**
 * Calls Azure DevOps for one identity: the bearer scheme keeps the token fresh (refreshed once across the
 * deployment, D1-D3) and after a 401 renews it once and retries once. `instanceUrl` is the organization's
 * `https://dev.azure.com/{org}/`; absolute URLs (profile, accounts on app.vssps) are used as given.
 */
export class AzureDevopsClient {
  readonly instanceUrl: string;

  constructor(
    private readonly scheme: AuthScheme,
    private readonly sendOptions: SendOptions,
    instanceUrl: string,
  ) {
    this.instanceUrl = instanceUrl.endsWith("/") ? instanceUrl : `${instanceUrl}/`;
  }

  /** Sends one call and returns its JSON; non-2xx answers throw the mapped error. */
  async request<T>(method: string, pathOrUrl: string, options: AzureRequestOptions = {}): Promise<AzureResponse<T>> {
    const url = new URL(/^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `${this.instanceUrl}${pathOrUrl.replace(/^\//, "")}`);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const upper = method.toUpperCase();
    const response = await sendAuthorized(
      this.scheme,
      {
        method: upper,
        url: url.toString(),
        headers: azureHeaders(upper, options.preview === true),
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      },
      this.sendOptions,
    );
    // 203 is the sign-in page Azure serves instead of a 401 when redirects are not suppressed.
    if (response.status < 200 || response.status >= 300 || response.status === 203) throw azureError(response);
    const data = parseJson(response.text);
    if (data === undefined) throw new AppError("upstream", "azure_api_error", `HTTP ${response.status} (invalid_response): ${describeTarget(response.url)} did not answer JSON`);
    return { status: response.status, data: data as T, continuationToken: response.headers.get("x-ms-continuationtoken") ?? undefined };
  }

  /** Follows `X-MS-ContinuationToken` pages of a `{value: T[]}` list, up to `limit` items. */
  async list<T>(pathOrUrl: string, options: AzureRequestOptions = {}, limit = 10_000): Promise<T[]> {
    const items: T[] = [];
    let token: string | undefined;
    do {
      const page = await this.request<{ value?: T[] }>("GET", pathOrUrl, { ...options, query: { ...options.query, continuationToken: token } });
      items.push(...(page.data?.value ?? []));
      token = page.continuationToken;
    } while (token && items.length < limit);
    return items.slice(0, limit);
  }
}
