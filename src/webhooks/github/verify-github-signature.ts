import { createHmac, timingSafeEqual } from "node:crypto";

export type SignatureVerdict =
  | { ok: true; verifiedBy: "current" | "previous" }
  | { ok: false; status: 400 | 401; code: string; message: string };

const HEX = /^[0-9a-f]+$/i;
const DIGEST_LENGTH = { sha256: 64, sha1: 40 } as const;

/**
 * D7: `X-Hub-Signature-256` preferred; SHA-1 only when no SHA-256 header came (and not required);
 * a malformed or unsupported header is 400, a mismatch 401. HMAC over the raw bytes, compared in
 * constant time, against the current secret and then the previous one during a rotation.
 */
export function verifyGithubSignature(
  body: Buffer,
  headers: { sha256?: string; sha1?: string },
  secrets: { current: string; previous?: string | undefined },
  requireSha256: boolean,
): SignatureVerdict {
  const header = headers.sha256 ?? (requireSha256 ? undefined : headers.sha1);
  if (!header) {
    return { ok: false, status: 400, code: "webhook_signature_missing", message: requireSha256 ? "X-Hub-Signature-256 is required" : "No signature header (X-Hub-Signature-256)" };
  }
  const eq = header.indexOf("=");
  const method = eq > 0 ? header.slice(0, eq).toLowerCase() : "";
  const digest = eq > 0 ? header.slice(eq + 1) : "";
  const expectedMethod = headers.sha256 !== undefined ? "sha256" : "sha1";
  if (method !== expectedMethod) {
    return { ok: false, status: 400, code: "webhook_signature_unsupported", message: `Unsupported or malformed signature header (expected ${expectedMethod}=<hex>)` };
  }
  if (digest.length !== DIGEST_LENGTH[method] || !HEX.test(digest)) {
    return { ok: false, status: 400, code: "webhook_signature_malformed", message: "Malformed signature: expected a hex digest" };
  }
  const given = Buffer.from(digest.toLowerCase(), "hex");
  const matches = (secret: string) => timingSafeEqual(createHmac(method, secret).update(body).digest(), given);
  if (matches(secrets.current)) return { ok: true, verifiedBy: "current" };
  if (secrets.previous && matches(secrets.previous)) return { ok: true, verifiedBy: "previous" };
  return { ok: false, status: 401, code: "webhook_signature_mismatch", message: "Signature does not match the webhook secret" };
}
