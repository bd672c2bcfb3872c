import { createPrivateKey, createSign, type KeyObject } from "node:crypto";

/** Signs GitHub App JWTs with a key parsed once (RS256). */
export class AppJwtSigner {
  private readonly key: KeyObject;
  private cached: { jwt: string; until: number; skew: number } | undefined;

  constructor(
    private readonly appId: string,
    privateKeyPem: string,
  ) {
    this.key = createPrivateKey(privateKeyPem);
  }

  /**
   * D4: `iat = now - 60 s`, `exp = now + 9 min`, both shifted by the clock skew measured from GitHub's
   * `Date` header. The JWT is reused while it has more than a minute left (signing costs ~1 ms).
   */
  sign(nowSeconds: number, skewSeconds = 0): string {
    if (this.cached && this.cached.skew === skewSeconds && this.cached.until > nowSeconds) return this.cached.jwt;
    const now = nowSeconds + skewSeconds;
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const input = `${enc({ alg: "RS256", typ: "JWT" })}.${enc({ iat: now - 60, exp: now + 540, iss: this.appId })}`;
    const jwt = `${input}.${createSign("RSA-SHA256").update(input).sign(this.key).toString("base64url")}`;
    this.cached = { jwt, until: nowSeconds + 480, skew: skewSeconds };
    return jwt;
  }

  forget(): void {
    this.cached = undefined;
  }
}

/** D5: the routes GitHub authenticates with the app JWT, matched exactly (not by substring). */
const APP_ROUTES = [
  /^\/app$/,
  /^\/app\/hook\/(config|deliveries(\/\d+(\/attempts)?)?)$/,
  /^\/app\/installations$/,
  /^\/app\/installations\/\d+(\/suspended)?$/,
  /^\/app\/installations\/\d+\/access_tokens$/,
  /^\/app\/installation-requests$/,
  /^\/(orgs|users)\/[^/]+\/installation$/,
  /^\/repos\/[^/]+\/[^/]+\/installation$/,
];

/** True when `path` (without query) needs the app JWT rather than an installation token. */
export function requiresAppAuth(path: string): boolean {
  // Every app route starts with /app or ends with /installation: most requests are decided here, cheaply.
  if (!path.startsWith("/app") && !path.includes("/installation")) return false;
  const bare = path.split("?")[0] as string;
  return APP_ROUTES.some((pattern) => pattern.test(bare));
}
