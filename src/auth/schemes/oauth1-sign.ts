import { createHash, createPrivateKey, randomBytes, sign, type KeyObject } from "node:crypto";
import { AppError } from "../../domain/errors.js";
import type { HttpRequest } from "../../platform/http/send-http.js";
import { oauthPercentEncode, signatureBaseString } from "./oauth1-base-string.js";

/** The application link's side of OAuth 1.0a: the consumer key and its RSA private key, parsed once. */
export interface OAuth1Consumer {
  consumerKey: string;
  privateKey: KeyObject;
}

const parsedKeys = new Map<string, KeyObject>();

/** The KeyObject of a PEM private key, parsed once per process (parsing RSA keys costs far more than signing). */
export function rsaPrivateKey(pem: string): KeyObject {
  const id = createHash("sha256").update(pem).digest("hex");
  let key = parsedKeys.get(id);
  if (!key) {
    try {
      key = createPrivateKey(pem);
    } catch {
      throw new AppError("validation", "oauth1_private_key_invalid", "The private key is not a PEM-encoded RSA private key");
    }
    if (key.asymmetricKeyType !== "rsa") throw new AppError("validation", "oauth1_private_key_invalid", "The private key must be an RSA key (Jira accepts RSA-SHA1 only)");
    parsedKeys.set(id, key);
  }
  return key;
}

/** What goes into one signature besides the consumer: the token (none for a request token) and extra protocol parameters. */
export interface OAuth1SignInput {
  token?: string;
  /** `oauth_callback`, `oauth_verifier`... */
  extra?: Record<string, string>;
  /** Epoch seconds to put in `oauth_timestamp`. */
  timestamp: number;
}

function isFormBody(request: HttpRequest): boolean {
  const type = Object.entries(request.headers).find(([name]) => name.toLowerCase() === "content-type")?.[1] ?? "";
  return type.toLowerCase().startsWith("application/x-www-form-urlencoded");
}

/**
 * Signs a request with RSA-SHA1 (RFC 5849 §3.4.3) and puts the protocol parameters in the `Authorization:
 * OAuth` header. Every call draws a new nonce: Jira uses a nonce up before it checks the signature, so a
 * request sent twice with the same signature is refused (`nonce_used`).
 */
export function signOAuth1(request: HttpRequest, consumer: OAuth1Consumer, input: OAuth1SignInput): { request: HttpRequest; nonce: string } {
  const nonce = randomBytes(16).toString("hex");
  const params: Array<[string, string]> = [
    ["oauth_consumer_key", consumer.consumerKey],
    ["oauth_nonce", nonce],
    ["oauth_signature_method", "RSA-SHA1"],
    ["oauth_timestamp", String(input.timestamp)],
    ["oauth_version", "1.0"],
    ...(input.token !== undefined ? ([["oauth_token", input.token]] as Array<[string, string]>) : []),
    ...Object.entries(input.extra ?? {}),
  ];
  const base = signatureBaseString(request.method, new URL(request.url), params, isFormBody(request) ? request.body : undefined);
  const signature = sign("sha1", Buffer.from(base, "utf8"), consumer.privateKey).toString("base64");
  const header = [...params, ["oauth_signature", signature] as [string, string]].map(([n, v]) => `${oauthPercentEncode(n)}="${oauthPercentEncode(v)}"`).join(", ");
  return { request: { ...request, headers: { ...request.headers, authorization: `OAuth ${header}` } }, nonce };
}
