import type { SimHandler, SimRequest, SimResponse } from "../shared/sim-server.js";
import { JWT_MESSAGES, verifyAppJwt } from "./app-jwt.js";
import { nowSeconds, type GithubContext } from "./context.js";
import { DOCS, githubError } from "./errors.js";
import type { RateResource } from "./rate-limit.js";
import type { GithubInstallation, GithubRepo, InstallationToken } from "./state.js";
import { liveToken } from "./tokens.js";

/** The credential in `Authorization` (`Bearer x` or `token x`, as GitHub accepts both). */
function credential(req: SimRequest): string | undefined {
  const match = /^(?:bearer|token)\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
  return match?.[1];
}

const looksLikeJwt = (value: string) => !value.startsWith("gh") && value.split(".").length === 3;

/** The bucket name for an installation's rate-limit windows. */
export const installationBucket = (installationId: number) => `installation/${installationId}`;

const withHeaders = (response: SimResponse, headers: Record<string, string>): SimResponse => ({ ...response, headers: { ...headers, ...(response.headers ?? {}) } });

/** Wraps an app route (§1.1): the app JWT is required; anything else is GitHub's 401 for a JWT route. */
export function withAppJwt(ctx: GithubContext, handler: (req: SimRequest) => SimResponse | Promise<SimResponse>): SimHandler {
  return async (req) => {
    const token = credential(req);
    // An installation token (or nothing) where a JWT is expected cannot be decoded as one.
    if (!token) return githubError(401, JWT_MESSAGES.undecodable);
    const verdict = verifyAppJwt(token, ctx.state, nowSeconds(ctx));
    if (!verdict.ok) return githubError(verdict.status, verdict.message);
    const rate = ctx.limits.consume("app");
    if (!rate.allowed) return githubError(ctx.limits.primaryStatus, `API rate limit exceeded for app ID ${ctx.state.appId}.`, DOCS.rateLimit, rate.headers);
    return withHeaders(await handler(req), rate.headers);
  };
}

/** Who is calling with an installation token, and what the token may reach. */
export interface TokenAuth {
  token: InstallationToken;
  installation: GithubInstallation;
}

/** True when the token reaches this repository (its installation's, and within any repository narrowing). */
export function tokenReaches(auth: TokenAuth, repo: GithubRepo): boolean {
  return repo.installationId === auth.installation.id && (!auth.token.repositoryIds || auth.token.repositoryIds.has(repo.id));
}

export interface TokenRouteOptions {
  /** Which primary limit the request counts against; "none" for `GET /rate_limit`. */
  resource?: RateResource | "none";
}

/**
 * Wraps an installation route: a live installation token is required (a JWT, an expired or revoked
 * token answers 401 `Bad credentials`), then secondary and primary rate limits apply (§1.5), and
 * every answer carries the `x-ratelimit-*` headers.
 */
export function withInstallationToken(ctx: GithubContext, handler: (req: SimRequest, auth: TokenAuth) => SimResponse | Promise<SimResponse>, options: TokenRouteOptions = {}): SimHandler {
  return async (req) => {
    const presented = credential(req);
    if (!presented) return githubError(401, "Requires authentication");
    const token = looksLikeJwt(presented) ? undefined : liveToken(ctx.state, presented, nowSeconds(ctx));
    const installation = token ? ctx.state.installations.get(token.installationId) : undefined;
    if (!token || !installation) return githubError(401, "Bad credentials");
    if (installation.suspended_at) return githubError(403, "This installation has been suspended");
    const auth: TokenAuth = { token, installation };
    const resource = options.resource ?? "core";
    if (resource === "none") return handler(req, auth);
    const bucket = installationBucket(installation.id);
    const secondary = ctx.limits.secondaryFor(bucket);
    if (secondary) {
      const headers = { ...ctx.limits.snapshotHeaders(bucket, resource), "retry-after": String(secondary.retryAfter) };
      return githubError(secondary.status, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", DOCS.secondaryRateLimit, headers);
    }
    const rate = ctx.limits.consume(bucket, resource);
    if (!rate.allowed) return githubError(ctx.limits.primaryStatus, `API rate limit exceeded for installation ID ${installation.id}.`, DOCS.rateLimit, rate.headers);
    return withHeaders(await handler(req, auth), rate.headers);
  };
}
