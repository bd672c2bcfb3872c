import { AppError } from "../../domain/errors.js";
import { nowSeconds, type Clock } from "../../platform/clock.js";
import { sendHttp, type HttpResponse, type SendOptions } from "../../platform/http/send-http.js";
import { assertTargetAllowed } from "../../platform/http/target-policy.js";
import { decodeFormPairs } from "../../auth/schemes/oauth1-base-string.js";
import { oauthProblemOf } from "../../auth/schemes/oauth1-rsa-sha1.js";
import { rsaPrivateKey, signOAuth1 } from "../../auth/schemes/oauth1-sign.js";

/** What the Jira admin typed into the setup form: base URL, consumer key and the link's private key (§9.1). */
export interface JiraServerSetup {
  baseUrl: string;
  consumerKey: string;
  privateKeyPem: string;
}

export interface OAuthTokenPair {
  token: string;
  tokenSecret: string;
}

export interface DanceOptions {
  send: SendOptions;
  clock: Clock;
}

function trimBase(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, "");
}

async function signedFormPost(setup: JiraServerSetup, path: string, options: DanceOptions, token: string | undefined, extra: Record<string, string>): Promise<Map<string, string>> {
  await assertTargetAllowed(setup.baseUrl, options.send.allowedPrivateTargets, options.send.resolve);
  const consumer = { consumerKey: setup.consumerKey, privateKey: rsaPrivateKey(setup.privateKeyPem) };
  const request = { method: "POST", url: `${trimBase(setup.baseUrl)}${path}`, headers: { accept: "application/x-www-form-urlencoded" }, idempotent: false };
  const signed = signOAuth1(request, consumer, { token, extra, timestamp: nowSeconds(options.clock) });
  const response = await sendHttp(signed.request, { ...options.send, retries: 0 });
  if (response.status !== 200) throw danceRefused(path, response);
  const values = new Map(decodeFormPairs(response.text.trim()));
  if (!values.get("oauth_token") || !values.get("oauth_token_secret")) {
    throw new AppError("upstream", "jira_server_oauth_bad_response", `Jira answered ${path} without oauth_token and oauth_token_secret`);
  }
  return values;
}

function danceRefused(path: string, response: HttpResponse): AppError {
  const problem = oauthProblemOf(response)?.problem;
  if (problem) {
    return new AppError("validation", "jira_server_oauth_refused", `Jira refused ${path} (oauth_problem=${problem}); check the consumer key and the application link's public key`, { detail: { oauthProblem: problem } });
  }
  return new AppError("upstream", "jira_server_oauth_failed", `Jira answered ${path} with HTTP ${response.status}`);
}

/** Step 1 (§9.1): a request token, signed with the consumer key and private key, no token; `callbackUrl` or `oob`. */
export async function getRequestToken(setup: JiraServerSetup, callbackUrl: string, options: DanceOptions): Promise<OAuthTokenPair> {
  const values = await signedFormPost(setup, "/plugins/servlet/oauth/request-token", options, undefined, { oauth_callback: callbackUrl });
  return { token: values.get("oauth_token") as string, tokenSecret: values.get("oauth_token_secret") as string };
}

/** Step 2: where the user's browser approves the request token. */
export function authorizeUrl(baseUrl: string, requestToken: string): string {
  return `${trimBase(baseUrl)}/plugins/servlet/oauth/authorize?oauth_token=${encodeURIComponent(requestToken)}`;
}

/** Step 3: trades the approved request token and its verifier for the access token (valid about five years). */
export async function getAccessToken(setup: JiraServerSetup, requestToken: string, verifier: string, options: DanceOptions): Promise<OAuthTokenPair & { expiresIn: number | null }> {
  if (!verifier) throw new AppError("validation", "jira_server_oauth_verifier_missing", "Missing OAuth token verifier");
  const values = await signedFormPost(setup, "/plugins/servlet/oauth/access-token", options, requestToken, { oauth_verifier: verifier });
  const expiresIn = Number(values.get("oauth_expires_in"));
  return { token: values.get("oauth_token") as string, tokenSecret: values.get("oauth_token_secret") as string, expiresIn: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : null };
}
