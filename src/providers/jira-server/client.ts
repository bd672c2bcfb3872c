import type { App } from "../../app.js";
import { AppError } from "../../domain/errors.js";
import { oauth1RsaSha1Scheme, type OAuth1Scheme } from "../../auth/schemes/oauth1-rsa-sha1.js";
import { describeTarget, type HttpResponse, type SendOptions } from "../../platform/http/send-http.js";
import { assertTargetAllowed } from "../../platform/http/target-policy.js";

/** Identities of Jira Server integrations are stored under this provider name, keyed by the integration's external id. */
export const JIRA_SERVER_PROVIDER = "jira_server";

export interface JiraRequestOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

/** Jira's error body: `{"errorMessages": [...], "errors": {"field": "message"}}` (never holds a secret). */
function jiraMessages(text: string): string {
  try {
    const body = JSON.parse(text) as { errorMessages?: unknown; errors?: unknown };
    const messages = Array.isArray(body.errorMessages) ? body.errorMessages.map(String) : [];
    const fields = body.errors && typeof body.errors === "object" ? Object.entries(body.errors as Record<string, unknown>).map(([f, m]) => `${f}: ${String(m)}`) : [];
    return [...messages, ...fields].join("; ");
  } catch {
    return "";
  }
}

/** A Jira answer as a typed error with a stable code; the message names the resource, never the query or the signature. */
export function jiraServerError(method: string, url: string, response: HttpResponse): AppError {
  const said = jiraMessages(response.text);
  const where = `${method} ${describeTarget(url)}`;
  const message = `Jira Server answered ${where} with HTTP ${response.status}${said ? `: ${said}` : ""}`;
  const detail = { status: response.status };
  if (response.status === 404) return new AppError("not_found", "jira_server_not_found", message, { detail });
  if (response.status === 400) return new AppError("validation", "jira_server_rejected", message, { detail });
  if (response.status === 401 || response.status === 403) return new AppError("upstream", "jira_server_forbidden", message, { detail });
  if (response.status === 429) return new AppError("rate_limited", "jira_server_rate_limited", message, { detail });
  return new AppError("upstream", "jira_server_api_error", message, { detail });
}

/** Calls one Jira Server instance's REST API, every request signed with the integration's OAuth 1.0a identity. */
export class JiraServerClient {
  constructor(
    readonly baseUrl: string,
    private readonly scheme: OAuth1Scheme,
    private readonly send: SendOptions,
  ) {}

  /** The client of an integration: base URL from its metadata (checked against the target policy), identity by its external id. */
  static async forIntegration(app: App, integrationId: number): Promise<JiraServerClient> {
    const row = await app.store.db
      .selectFrom("integrations")
      .select(["external_id", "metadata"])
      .where("id", "=", integrationId)
      .where("provider", "=", JIRA_SERVER_PROVIDER)
      .executeTakeFirst();
    if (!row) throw new AppError("not_found", "integration_not_found", `No Jira Server integration ${integrationId}`);
    const baseUrl = (JSON.parse(row.metadata) as { base_url?: unknown }).base_url;
    if (typeof baseUrl !== "string" || !baseUrl) throw new AppError("validation", "jira_server_base_url_missing", "The Jira Server integration has no base URL; set it up again");
    const send: SendOptions = { allowedPrivateTargets: app.config.allowPrivateTargets };
    await assertTargetAllowed(baseUrl, send.allowedPrivateTargets);
    const scheme = oauth1RsaSha1Scheme({ db: app.store.db, vault: app.vault, clock: app.clock }, { provider: JIRA_SERVER_PROVIDER, externalId: row.external_id });
    return new JiraServerClient(baseUrl.replace(/\/+$/, ""), scheme, send);
  }

  /** Sends a signed JSON request; 2xx gives the parsed body (undefined for 204), anything else a typed error. */
  async request<T>(method: string, path: string, options: JiraRequestOptions = {}): Promise<T> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [name, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(name, String(value));
    const headers: Record<string, string> = { accept: "application/json" };
    if (options.body !== undefined) headers["content-type"] = "application/json";
    const response = await this.scheme.send(
      { method, url: url.toString(), headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) },
      this.send,
    );
    if (response.status < 200 || response.status >= 300) throw jiraServerError(method, url.toString(), response);
    if (!response.text) return undefined as T;
    try {
      return JSON.parse(response.text) as T;
    } catch {
      throw new AppError("upstream", "jira_server_bad_response", `Jira Server answered ${method} ${describeTarget(url)} with a body that is not JSON`);
    }
  }
}
