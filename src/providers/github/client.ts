import type { App } from "../../app.js";
import { AppError } from "../../domain/errors.js";
import { nowSeconds } from "../../platform/clock.js";
import { AppJwtSigner, requiresAppAuth } from "./app-jwt.js";
import { cachedInstallationToken, type InstallationTokenDeps } from "./installation-token.js";
import { githubAppScheme } from "./auth.js";
import type { AuthScheme } from "../../auth/authorize.js";
import { sendHttp, type HttpResponse } from "../../platform/http/send-http.js";
import { noteAuthFailure } from "../../auth/note-auth-failure.js";

/** GitHub's JWT time complaints (§1.4): the answer to them is to re-sign with the measured skew. */
const CLOCK_MESSAGES = /'Issued at' claim \('iat'\)|'Expiration time' claim \('exp'\)/;
/** A freshly minted token can 401 for a few seconds while GitHub replicates it (D4). */
const REPLICATION_WINDOW_SECONDS = 5;

export interface GithubResponse<T> {
  status: number;
  headers: Headers;
  data: T;
}

const signers = new Map<string, AppJwtSigner>();
const skewByApi = new Map<string, number>();
/** Until when (epoch s) an installation's budget is known to be spent: no request is sent before. */
const spentUntil = new Map<string, number>();

/** Calls GitHub as the configured app for one installation: JWT on app routes (D5), installation token elsewhere. */
export class GithubClient {
  private readonly signer: AppJwtSigner;
  private readonly tokens: InstallationTokenDeps;
  private readonly scheme: AuthScheme;

  constructor(
    private readonly app: App,
    private readonly installationId: string,
  ) {
    const { appId, privateKey } = app.config.github;
    if (!appId || !privateKey) throw new AppError("validation", "github_app_not_configured", "Set GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY to call GitHub");
    const signerKey = `${appId}:${privateKey.length}`;
    this.signer = signers.get(signerKey) ?? new AppJwtSigner(appId, privateKey);
    signers.set(signerKey, this.signer);
    this.tokens = {
      db: app.store.db,
      vault: app.vault,
      lock: app.platform.lock,
      clock: app.clock,
      marginSeconds: app.config.refreshMarginSeconds,
      mint: (id) => this.mint(id),
    };
    this.scheme = githubAppScheme({ signer: this.signer, tokens: this.tokens, clock: app.clock, skewSeconds: () => skewByApi.get(this.apiUrl) ?? 0 }, installationId);
  }

  private get apiUrl(): string {
    return this.app.config.github.apiUrl;
  }

  private async mint(id: string) {
    const response = await this.request<{ token: string; expires_at: string; permissions: Record<string, string> }>("POST", `/app/installations/${id}/access_tokens`);
    return { token: response.data.token, expiresAt: Math.floor(Date.parse(response.data.expires_at) / 1000), permissions: response.data.permissions ?? {} };
  }

  /** Sends a request; one retry after a 401 (re-signed JWT, replicated or re-minted token), never more. */
  async request<T>(method: string, path: string, body?: unknown): Promise<GithubResponse<T>> {
    const appRoute = requiresAppAuth(path);
    const budgetKey = `${this.apiUrl}:${appRoute ? "app" : this.installationId}`;
    const resetAt = spentUntil.get(budgetKey);
    if (resetAt !== undefined && resetAt > nowSeconds(this.app.clock)) {
      throw new AppError("rate_limited", "github_rate_limited", `GitHub rate limit reached; retry after ${new Date(resetAt * 1000).toISOString()}`, { detail: { resetAt } });
    }
    let stale: string | undefined;
    for (let attempt = 0; ; attempt++) {
      const { request: authorized, marker } = await this.scheme.authorize(
        {
          method,
          url: `${this.apiUrl}${path}`,
          headers: {
            accept: "application/vnd.github+json",
            "x-github-api-version": "2022-11-28",
            "user-agent": "Switchboard",
            ...(body !== undefined ? { "content-type": "application/json" } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        },
        { renew: stale !== undefined, rejected: stale },
      );
      const authorization = marker ?? "";
      const mintedAt = appRoute ? 0 : (cachedInstallationToken(this.tokens, this.installationId)?.mintedAt ?? 0);
      const response = await sendHttp(authorized, { allowedPrivateTargets: this.app.config.allowPrivateTargets });
      const text = response.text;
      const data = text ? (safeJson(text) as T) : (undefined as T);
      if (response.status >= 200 && response.status < 300) return { status: response.status, headers: response.headers, data };
      const message = (data as { message?: string } | undefined)?.message ?? `HTTP ${response.status}`;
      // Health counters (one per failed attempt): which kind of authorization trouble this was.
      if (response.status === 401 || response.status >= 500) noteAuthFailure({ db: this.app.store.db, clock: this.app.clock }, "github_installation", this.installationId, githubFailureClass(response.status, appRoute, attempt, CLOCK_MESSAGES.test(message), nowSeconds(this.app.clock) - mintedAt < REPLICATION_WINDOW_SECONDS), message);
      if (response.status === 401 && attempt === 0) {
        if (appRoute && CLOCK_MESSAGES.test(message)) {
          const serverTime = Date.parse(response.headers.get("date") ?? "");
          if (Number.isFinite(serverTime)) {
            skewByApi.set(this.apiUrl, Math.round((serverTime - this.app.clock.now()) / 1000));
            this.signer.forget();
            continue;
          }
        }
        if (!appRoute) {
          if (nowSeconds(this.app.clock) - mintedAt < REPLICATION_WINDOW_SECONDS) {
            await new Promise((r) => setTimeout(r, 1000));
          } else {
            stale = authorization;
          }
          continue;
        }
      }
      const error = githubError(response, message);
      if (error.code === "github_rate_limited") spentUntil.set(budgetKey, Number(error.detail?.resetAt));
      throw error;
    }
  }
}

/** The health class of a failed GitHub call: skew on app routes, replication on a just-minted token, else revoked or misconfigured. */
function githubFailureClass(status: number, appRoute: boolean, attempt: number, clockMessage: boolean, justMinted: boolean) {
  if (status >= 500) return "provider_outage" as const;
  if (appRoute) return clockMessage && attempt === 0 ? ("clock_skew" as const) : ("configuration_error" as const);
  return justMinted && attempt === 0 ? ("replication_delay" as const) : ("revoked" as const);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 200) };
  }
}

/** Typed GitHub errors: rate limits carry their reset time; everything else names the status. */
function githubError(response: HttpResponse, message: string): AppError {
  const remaining = response.headers.get("x-ratelimit-remaining");
  const retryAfter = response.headers.get("retry-after");
  if ((response.status === 403 || response.status === 429) && (remaining === "0" || retryAfter)) {
    const reset = retryAfter ? Math.floor(Date.now() / 1000) + Number(retryAfter) : Number(response.headers.get("x-ratelimit-reset"));
    return new AppError("rate_limited", "github_rate_limited", `GitHub rate limit reached; retry after ${new Date(reset * 1000).toISOString()}`, { detail: { resetAt: reset } });
  }
  if (response.status === 401) return new AppError("upstream", "github_unauthorized", `GitHub refused the credentials: ${message}`);
  return new AppError("upstream", "github_api_error", `GitHub answered HTTP ${response.status}: ${message}`, { detail: { status: response.status } });
}
