import { createHash, createSign, generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from "node:crypto";
import { randomAlphanumeric } from "../shared/ids.js";

let signingKey: { privateKey: KeyObject; thumbprint: string } | undefined;

/** One RSA key per process signs every simulated token; tokens are still looked up by value, the signature only makes them look real. */
function key(): { privateKey: KeyObject; thumbprint: string } {
  if (!signingKey) {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const thumbprint = createHash("sha1").update(publicKey.export({ type: "spki", format: "der" })).digest("base64url");
    signingKey = { privateKey, thumbprint };
  }
  return signingKey;
}

/** An RS256 JWT with an `x5t` header, the shape of the tokens app.vssps.visualstudio.com and Entra ID issue. */
export function mintJwt(claims: Record<string, unknown>): string {
  const { privateKey, thumbprint } = key();
  const enc = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const input = `${enc({ typ: "JWT", alg: "RS256", x5t: thumbprint, kid: thumbprint })}.${enc({ ...claims, jti: randomUUID() })}`;
  return `${input}.${createSign("RSA-SHA256").update(input).sign(privateKey).toString("base64url")}`;
}

/** The claims of a compact JWT, or undefined when the text is not one (what Azure calls "failed to deserialize"). */
export function decodeJwt(token: string): Record<string, unknown> | undefined {
  const parts = token.split(".");
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0] as string, "base64url").toString("utf8")) as unknown;
    const claims = JSON.parse(Buffer.from(parts[1] as string, "base64url").toString("utf8")) as unknown;
    if (!header || typeof header !== "object" || !claims || typeof claims !== "object") return undefined;
    return claims as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** A legacy app's client secret: a long-lived JWT naming the app (`cid`) and the secret (`csi`). */
export function legacyClientSecret(appId: string, nowSeconds: number): string {
  return mintJwt({
    cid: appId,
    csi: randomUUID(),
    nameid: randomUUID(),
    iss: "app.vstoken.visualstudio.com",
    aud: "app.vstoken.visualstudio.com",
    nbf: nowSeconds,
    exp: nowSeconds + 60 * 24 * 3600,
  });
}

/** An Entra ID client secret: 40 characters with the `Q~` marker at positions 4-5. */
export function entraClientSecret(): string {
  const body = randomBytes(40).toString("base64").replace(/[+/=]/g, "");
  return `${randomAlphanumeric(3)}8Q~${body.slice(0, 34).replace(/[^A-Za-z0-9]/g, "_")}`;
}

/** An opaque Entra refresh token or authorization code (`1.A...`). */
export function entraOpaqueToken(): string {
  return `1.AU${randomBytes(360).toString("base64url")}`;
}
