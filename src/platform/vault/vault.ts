import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { AppError } from "../../domain/errors.js";
import type { VaultKey } from "./keyring.js";

const PREFIX = "sealed:v1:";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encryption at rest: AES-256-GCM, a fresh IV per value, and the key id in every ciphertext
 * (`sealed:v1:<kid>:<base64 iv|ciphertext|tag>`) so that old ciphertexts stay readable after rotation.
 */
export class Vault {
  private readonly byId: Map<string, Buffer>;
  private readonly current: VaultKey;

  constructor(keys: VaultKey[]) {
    const first = keys[0];
    if (!first) throw new Error("The vault needs at least one key");
    this.current = first;
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  /** Id of the key that new writes use. */
  get currentKeyId(): string {
    return this.current.id;
  }

  /** A 32-byte key for one purpose (HKDF of the newest key), e.g. to sign short-lived install states. */
  deriveKey(purpose: string): Buffer {
    return Buffer.from(hkdfSync("sha256", this.current.key, Buffer.alloc(0), `switchboard:${purpose}`, 32));
  }

  /** Encrypts `plaintext` with the newest key. */
  seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.current.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    const packed = Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64");
    return `${PREFIX}${this.current.id}:${packed}`;
  }

  /** Decrypts a sealed value; fails with `vault_unknown_key` or `vault_tampered` (never echoing the value). */
  open(sealed: string): string {
    const parsed = parseSealed(sealed);
    const key = this.byId.get(parsed.keyId);
    if (!key) {
      throw new AppError("internal", "vault_unknown_key", `A secret was sealed with key "${parsed.keyId}", which is not configured`);
    }
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, parsed.iv);
      decipher.setAuthTag(parsed.tag);
      return Buffer.concat([decipher.update(parsed.body), decipher.final()]).toString("utf8");
    } catch {
      throw new AppError("internal", "vault_tampered", "A sealed secret failed authentication (wrong key or altered data)");
    }
  }

  /** Seals a JSON value. */
  sealJson(value: unknown): string {
    return this.seal(JSON.stringify(value));
  }

  /** Opens a sealed JSON value. */
  openJson<T>(sealed: string): T {
    return JSON.parse(this.open(sealed)) as T;
  }

  /** True when `value` was sealed with a key other than the newest (rotation re-encrypts it). */
  needsReseal(value: string): boolean {
    return isSealed(value) && parseSealed(value).keyId !== this.current.id;
  }

  /** Re-encrypts with the newest key. */
  reseal(value: string): string {
    return this.seal(this.open(value));
  }
}

/** True for strings produced by `Vault.seal`. */
export function isSealed(value: unknown): value is string {
  return typeof value === "string" && value.startsWith(PREFIX);
}

function parseSealed(sealed: string): { keyId: string; iv: Buffer; body: Buffer; tag: Buffer } {
  if (!isSealed(sealed)) throw new AppError("internal", "vault_not_sealed", "Value is not a sealed secret");
  const rest = sealed.slice(PREFIX.length);
  const colon = rest.indexOf(":");
  const keyId = rest.slice(0, colon);
  const packed = Buffer.from(rest.slice(colon + 1), "base64");
  if (colon <= 0 || packed.length < IV_BYTES + TAG_BYTES) {
    throw new AppError("internal", "vault_malformed", "Sealed secret is malformed");
  }
  return {
    keyId,
    iv: packed.subarray(0, IV_BYTES),
    body: packed.subarray(IV_BYTES, packed.length - TAG_BYTES),
    tag: packed.subarray(packed.length - TAG_BYTES),
  };
}
