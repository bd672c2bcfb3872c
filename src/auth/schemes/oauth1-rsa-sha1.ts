import type { Kysely } from "kysely";
import { AppError } from "../../domain/errors.js";
import { isoNow, nowSeconds, type Clock } from "../../platform/clock.js";
import { describeTarget, sendHttp, type HttpRequest, type HttpResponse, type SendOptions } from "../../platform/http/send-http.js";
import type { Vault } from "../../platform/vault/vault.js";
import type { Database } from "../../store/schema.js";
import { markNeedsReauth, readCredential } from "../../store/identities.js";
import type { AuthScheme } from "../authorize.js";
import { decodeFormPairs } from "./oauth1-base-string.js";
import { rsaPrivateKey, signOAuth1 } from "./oauth1-sign.js";

/** The sealed secret of an OAuth 1.0a identity (Sentry's Jira Server identity data, §9.1). */
export interface OAuth1Credential {
  consumerKey: string;
  /** PEM (PKCS#8 or PKCS#1) RSA private key of the application link. */
  privateKey: string;
  accessToken: string;
  accessTokenSecret: string;
}

export interface OAuth1Deps {
  db: Kysely<Database>;
  vault: Vault;
  clock: Clock;
}

/** Which stored identity signs: `identities` row by provider and external id. */
export interface OAuth1CredentialRef {
  provider: string;
  externalId: string;
}

/** An RSA-SHA1 scheme that also knows how to send: Jira's OAuth answers need more than a plain 401 retry. */
export interface OAuth1Scheme extends AuthScheme {
  /** Signs and sends; re-signs (new nonce and timestamp) for every retry; marks the identity needs_reauth when revoked. */
  send(request: HttpRequest, options: SendOptions): Promise<HttpResponse>;
}

/** Problems after which the token will never work again (net.oauth names; Jira revokes by deleting the token). */
const REVOKED = new Set(["token_rejected", "permission_unknown", "token_expired", "token_revoked"]);
const RETRIABLE_STATUS = new Set([502, 503, 504]);
const IDEMPOTENT = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);
/** Seconds to add to our clock per consumer and server, learnt from `oauth_acceptable_timestamps`. */
const skews = new Map<string, number>();

/** `oauth_problem` and its companions from a form body or the `WWW-Authenticate: OAuth` challenge. */
export function oauthProblemOf(response: HttpResponse): { problem: string; params: Map<string, string> } | undefined {
  const params = new Map<string, string>();
  if (/oauth_problem=/.test(response.text) && !response.text.trimStart().startsWith("{")) {
    for (const [name, value] of decodeFormPairs(response.text.trim())) params.set(name, value);
  }
  if (!params.has("oauth_problem")) {
    const challenge = response.headers.get("www-authenticate") ?? "";
    for (const match of challenge.matchAll(/([a-z_]+)="([^"]*)"/g)) {
      try {
        params.set(match[1] as string, decodeURIComponent(match[2] as string));
      } catch {
        params.set(match[1] as string, match[2] as string);
      }
    }
  }
  const problem = params.get("oauth_problem");
  return problem ? { problem, params } : undefined;
}

function needsReauth(): AppError {
  return new AppError("unauthorized", "identity_needs_reauth", "The integration's authorization was revoked or expired; reconnect it to continue.");
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * OAuth 1.0a RSA-SHA1 (§9.1, contract §3.1-3.2) with the consumer key, private key and access token of a
 * sealed identity. Every attempt is signed afresh; `timestamp_refused` is answered once with a timestamp
 * corrected by the server's acceptable window; a revoked token marks the identity needs_reauth (D3) and
 * nothing more is sent for it until it is authorized again.
 */
export function oauth1RsaSha1Scheme(deps: OAuth1Deps, ref: OAuth1CredentialRef): OAuth1Scheme {
  const skewKey = (consumerKey: string, url: string) => `${consumerKey}@${new URL(url).origin}`;

  const scheme: OAuth1Scheme = {
    async authorize(request) {
      const stored = await readCredential<OAuth1Credential>(deps.db, deps.vault, ref.provider, ref.externalId);
      if (!stored) throw new AppError("not_found", "identity_not_found", "The integration has no stored credential.");
      if (stored.status === "needs_reauth") throw needsReauth();
      const { consumerKey, privateKey, accessToken } = stored.secret;
      const consumer = { consumerKey, privateKey: rsaPrivateKey(privateKey) };
      const timestamp = nowSeconds(deps.clock) + (skews.get(skewKey(consumerKey, request.url)) ?? 0);
      const signed = signOAuth1(request, consumer, { token: accessToken, timestamp });
      return { request: signed.request, marker: signed.nonce };
    },

    shouldRenew(response) {
      const problem = oauthProblemOf(response)?.problem;
      return !problem || !REVOKED.has(problem);
    },

    async send(request, options) {
      const idempotent = request.idempotent ?? IDEMPOTENT.has(request.method.toUpperCase());
      let renewed = false;
      let transient = 0;
      for (;;) {
        const authorized = await scheme.authorize(request, { renew: renewed });
        let response: HttpResponse;
        try {
          // No replay below us: a resent request would carry a used nonce (Sentry disables retries for Jira Server for this).
          response = await sendHttp(authorized.request, { ...options, retries: 0 });
        } catch (error) {
          if (!(error instanceof AppError) || error.kind !== "unavailable" || !idempotent || transient >= 2) throw error;
          await sleep((options.backoffMs ?? 200) * 2 ** transient++);
          continue;
        }
        if (idempotent && RETRIABLE_STATUS.has(response.status) && transient < 2) {
          await sleep((options.backoffMs ?? 200) * 2 ** transient++);
          continue;
        }
        if (response.status !== 400 && response.status !== 401) return response;
        const found = oauthProblemOf(response);
        if (found && REVOKED.has(found.problem)) {
          await markNeedsReauth(deps.db, ref.provider, ref.externalId, `${describeTarget(request.url)} refused the access token (oauth_problem=${found.problem})`, isoNow(deps.clock));
          throw needsReauth();
        }
        if (renewed) return response;
        if (found?.problem === "timestamp_refused") {
          const window = /^(\d+)-(\d+)$/.exec(found.params.get("oauth_acceptable_timestamps") ?? "");
          if (window) {
            const stored = await readCredential<OAuth1Credential>(deps.db, deps.vault, ref.provider, ref.externalId);
            const middle = Math.floor((Number(window[1]) + Number(window[2])) / 2);
            if (stored) skews.set(skewKey(stored.secret.consumerKey, request.url), middle - nowSeconds(deps.clock));
          }
        } else if (response.status !== 401) {
          return response;
        }
        renewed = true;
      }
    },
  };
  return scheme;
}
