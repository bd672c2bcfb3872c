import { sendAuthorized } from "../../auth/authorize.js";
import { AppError } from "../../domain/errors.js";
import { describeTarget, type HttpResponse, type SendOptions } from "../../platform/http/send-http.js";
import type { OpsgenieAlertPayload } from "./alert-action.js";
import { genieKeyScheme } from "./auth.js";
import { opsgenieHttpError, opsgenieUnreachable } from "./errors.js";

export interface OpsgenieClientOptions {
  /** API base without `/v2` (`https://api.opsgenie.com`, `https://api.eu.opsgenie.com`, or a simulator). */
  baseUrl: string;
  /** The team's API-integration key; only ever put in the Authorization header. */
  integrationKey: string;
  send: SendOptions;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
}

/** What Opsgenie answered to an asynchronous alert request (202). */
export interface OpsgenieAccepted {
  requestId: string | null;
}

/** Opsgenie REST v2 for one integration key (Sentry's `OpsgenieClient`, §7.4). */
export class OpsgenieClient {
  constructor(private readonly options: OpsgenieClientOptions) {}

  /** Sentry's `authorize_integration`: `POST /v2/integrations/authenticate {"type"}`; resolves when the key is valid. */
  async authorizeIntegration(type = "sentry"): Promise<void> {
    await this.call("POST", "/v2/integrations/authenticate", { type }, "authorize_integration");
  }

  /** `POST /v2/alerts`; Opsgenie de-duplicates by `alias`, so a retried send never opens a second alert. */
  async createAlert(payload: OpsgenieAlertPayload): Promise<OpsgenieAccepted> {
    return accepted(await this.call("POST", "/v2/alerts", payload, "create alert"));
  }

  /** `POST /v2/alerts/{alias}/acknowledge?identifierType=alias`. */
  async acknowledgeAlert(alias: string, note?: string): Promise<OpsgenieAccepted> {
    return accepted(await this.call("POST", `/v2/alerts/${encodeURIComponent(alias)}/acknowledge?identifierType=alias`, { source: "Sentry", ...(note ? { note } : {}) }, "acknowledge alert"));
  }

  /** `POST /v2/alerts/{alias}/close?identifierType=alias`. */
  async closeAlert(alias: string, note?: string): Promise<OpsgenieAccepted> {
    return accepted(await this.call("POST", `/v2/alerts/${encodeURIComponent(alias)}/close?identifierType=alias`, { source: "Sentry", ...(note ? { note } : {}) }, "close alert"));
  }

  /** Sentry's `get_team_id`: `GET /v2/teams/{name}?identifierType=name`; undefined when no such team. */
  async teamByName(name: string): Promise<{ id: string; name: string } | undefined> {
    try {
      const body = await this.call("GET", `/v2/teams/${encodeURIComponent(name)}?identifierType=name`, undefined, "get team");
      const data = (body as { data?: { id?: unknown; name?: unknown } }).data;
      if (typeof data?.id !== "string") throw new AppError("upstream", "opsgenie_api_error", "Opsgenie answered a team without an id");
      return { id: data.id, name: typeof data.name === "string" ? data.name : name };
    } catch (error) {
      if (error instanceof AppError && (error.detail as { status?: number } | undefined)?.status === 404) return undefined;
      throw error;
    }
  }

  private async call(method: string, path: string, body: unknown, what: string): Promise<unknown> {
    const url = `${this.options.baseUrl.replace(/\/+$/, "")}${path}`;
    let response: HttpResponse;
    try {
      response = await sendAuthorized(
        genieKeyScheme(this.options.integrationKey),
        {
          method,
          url,
          headers: { accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
          body: body === undefined ? undefined : JSON.stringify(body),
          timeoutMs: this.options.timeoutMs ?? 10_000,
        },
        this.options.send,
      );
    } catch (error) {
      if (error instanceof AppError && error.kind === "unavailable") throw opsgenieUnreachable(error);
      throw error;
    }
    const parsed = parseJson(response.text);
    if (response.status >= 200 && response.status < 300) return parsed ?? {};
    const message = typeof (parsed as { message?: unknown } | undefined)?.message === "string" ? (parsed as { message: string }).message : undefined;
    throw opsgenieHttpError(response.status, `${what} (${describeTarget(url)})`, message?.slice(0, 200));
  }
}

function accepted(body: unknown): OpsgenieAccepted {
  const requestId = (body as { requestId?: unknown }).requestId;
  return { requestId: typeof requestId === "string" ? requestId : null };
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}
