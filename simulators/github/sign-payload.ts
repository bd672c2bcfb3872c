import { createHmac } from "node:crypto";

/** GitHub's delivery signatures over the raw body (§1.6): `sha256=<hex>` and legacy `sha1=<hex>`. */
export function signPayload(secret: string, body: string): { sha256: string; sha1: string } {
  return {
    sha256: `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`,
    sha1: `sha1=${createHmac("sha1", secret).update(body, "utf8").digest("hex")}`,
  };
}
