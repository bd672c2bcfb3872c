import { createHmac, createSign, timingSafeEqual, type KeyObject } from "node:crypto";

/** A JWT split into its parts, header and claims parsed; undefined parts mean it was not decodable. */
export interface DecodedJwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value), "utf8").toString("base64url");

function parsePart(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Splits and parses a compact JWT without verifying it. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const [h, c, s] = parts as [string, string, string];
  const header = parsePart(h);
  const claims = parsePart(c);
  if (!header || !claims) return undefined;
  return { header, claims, signingInput: `${h}.${c}`, signature: Buffer.from(s, "base64url") };
}

/** Signs claims HS256 with a shared secret (the key is the secret's UTF-8 bytes, as Atlassian does). */
export function signHs256(claims: Record<string, unknown>, secret: string): string {
  const input = `${b64({ typ: "JWT", alg: "HS256" })}.${b64(claims)}`;
  return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
}

/** Signs claims RS256 with a private key, naming it by `kid` in the header. */
export function signRs256(claims: Record<string, unknown>, key: KeyObject, kid: string): string {
  const input = `${b64({ kid, typ: "JWT", alg: "RS256" })}.${b64(claims)}`;
  const signer = createSign("RSA-SHA256");
  signer.update(input);
  return `${input}.${signer.sign(key).toString("base64url")}`;
}

/** Checks an HS256 signature in constant time. */
export function verifyHs256(jwt: DecodedJwt, secret: string): boolean {
  const expected = createHmac("sha256", secret).update(jwt.signingInput).digest();
  return expected.length === jwt.signature.length && timingSafeEqual(expected, jwt.signature);
}
