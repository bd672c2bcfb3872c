import { verify } from "node:crypto";
import type { SimRequest } from "../shared/sim-server.js";
import { collectSignedParameters, parseFormParams, isFormEncoded, signatureBaseString, type OAuthParam } from "./oauth-base-string.js";
import { parseOAuthHeader } from "./oauth-header.js";
import { OAuthProblem, formEncode } from "./oauth-problem.js";
import type { NonceStore } from "./nonce-store.js";
import type { OAuthConsumer } from "./consumers.js";

/** A request read as an OAuth message: where it was addressed and every parameter it carries. */
export interface OAuthMessage {
  method: string;
  /** The URL as the client addressed it: scheme, the `Host` header, the path and query as sent. */
  url: string;
  /** The parameters that are signed (query, OAuth header, form body), without `oauth_signature`. */
  signedParams: OAuthParam[];
  /** Every `oauth_*` parameter from any of the three places, `oauth_signature` included. */
  oauthParams: OAuthParam[];
  /** Whether the request used the `Authorization: OAuth` header (what Jira looks for on REST calls). */
  hasOAuthHeader: boolean;
}

/** Reads the OAuth parameters of a request the way net.oauth's `OAuthServlet.getMessage` does. */
export function readOAuthMessage(req: SimRequest): OAuthMessage {
  const host = req.headers.host ?? "localhost";
  const url = `http://${host}${req.url.pathname}${req.url.search}`;
  const parsedHeader = parseOAuthHeader(req.headers.authorization);
  const headerParams = parsedHeader ?? [];
  const contentType = req.headers["content-type"];
  const body = req.rawBody.length > 0 && isFormEncoded(contentType) ? req.rawBody.toString("utf8") : undefined;
  const signedParams = collectSignedParameters({ url, headerParams, contentType, body });
  const query = parseFormParams(req.url.search.slice(1));
  const bodyParams = body ? parseFormParams(body) : [];
  const oauthParams = [...query, ...headerParams.filter((p) => p.name !== "realm"), ...bodyParams].filter((p) => p.name.startsWith("oauth_"));
  return { method: req.method, url, signedParams, oauthParams, hasOAuthHeader: parsedHeader !== undefined };
}

/** The (first) value of an OAuth parameter. */
export function oauthParam(message: OAuthMessage, name: string): string | undefined {
  return message.oauthParams.find((p) => p.name === name)?.value;
}

/** Throws `parameter_absent` listing the missing ones, as `OAuthMessage.requireParameters` does. */
export function requireParameters(message: OAuthMessage, ...names: string[]): void {
  const missing = names.filter((n) => oauthParam(message, n) === undefined);
  if (missing.length) throw new OAuthProblem("parameter_absent", [["oauth_parameters_absent", missing.map(encodeURIComponent).join("&")]]);
}

/** What checking a message needs besides the message and the consumer. */
export interface ValidationContext {
  nowMs: number;
  windowSeconds: number;
  nonces: NonceStore;
}

/**
 * net.oauth's `SimpleOAuthValidator.validateMessage`, in its order: single parameters, version,
 * timestamp and nonce (the nonce is used up here, before the signature is looked at), then the
 * RSA-SHA1 signature over the RFC 5849 base string. Throws an `OAuthProblem`.
 */
export function validateMessage(message: OAuthMessage, consumer: OAuthConsumer, context: ValidationContext): void {
  checkSingleParameters(message);
  const version = oauthParam(message, "oauth_version");
  if (version !== undefined && version !== "1.0") throw new OAuthProblem("version_rejected", [["oauth_acceptable_versions", "1.0-1.0"]]);
  requireParameters(message, "oauth_timestamp", "oauth_nonce");
  const timestamp = validateTimestamp(oauthParam(message, "oauth_timestamp") as string, context);
  const fresh = context.nonces.use(
    { timestamp, nonce: oauthParam(message, "oauth_nonce") as string, consumerKey: oauthParam(message, "oauth_consumer_key") ?? "", token: oauthParam(message, "oauth_token") },
    Math.floor(context.nowMs / 1000),
    context.windowSeconds,
  );
  if (!fresh) throw new OAuthProblem("nonce_used");
  validateSignature(message, consumer);
}

function checkSingleParameters(message: OAuthMessage): void {
  const counts = new Map<string, number>();
  for (const p of message.oauthParams) counts.set(p.name, (counts.get(p.name) ?? 0) + 1);
  const repeated = message.oauthParams.filter((p) => (counts.get(p.name) ?? 0) > 1);
  if (repeated.length) throw new OAuthProblem("parameter_rejected", [["oauth_parameters_rejected", formEncode(repeated.map((p) => [p.name, p.value]))]]);
}

/** Accepts timestamps within the window either side of now; the refusal names the acceptable range. */
function validateTimestamp(raw: string, context: ValidationContext): number {
  const windowMs = context.windowSeconds * 1000;
  // net.oauth rounds the bounds to the nearest second.
  const min = Math.floor((context.nowMs - windowMs + 500) / 1000);
  const max = Math.floor((context.nowMs + windowMs + 500) / 1000);
  const timestamp = /^\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(timestamp >= min && timestamp <= max)) throw new OAuthProblem("timestamp_refused", [["oauth_acceptable_timestamps", `${min}-${max}`]]);
  return timestamp;
}

function validateSignature(message: OAuthMessage, consumer: OAuthConsumer): void {
  requireParameters(message, "oauth_signature_method", "oauth_signature");
  const method = oauthParam(message, "oauth_signature_method") as string;
  // An Application Link's incoming authentication is RSA-SHA1 only (§3.1).
  if (method !== "RSA-SHA1") throw new OAuthProblem("signature_method_rejected", [["oauth_acceptable_signature_methods", "RSA-SHA1"]]);
  const signature = oauthParam(message, "oauth_signature") as string;
  const baseString = signatureBaseString(message.method, message.url, message.signedParams);
  let valid: boolean;
  try {
    valid = verify("sha1", Buffer.from(baseString, "utf8"), consumer.publicKey, Buffer.from(signature, "base64"));
  } catch {
    valid = false;
  }
  if (!valid) {
    throw new OAuthProblem("signature_invalid", [
      ["oauth_signature", signature],
      ["oauth_signature_base_string", baseString],
      ["oauth_signature_method", method],
    ]);
  }
}
