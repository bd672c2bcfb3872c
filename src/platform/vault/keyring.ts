import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** One AES-256 key with its id. */
export interface VaultKey {
  id: string;
  key: Buffer;
}

/** Where the keys came from: the environment (operator-managed) or the data dir (generated). */
export interface Keyring {
  /** Newest first: index 0 seals, all open. */
  keys: VaultKey[];
  source: "env" | "file";
  /** Path of the generated key file, when `source` is "file". */
  file?: string;
  /** True when this call created the key file (first start). */
  generated: boolean;
}

const KEY_FILE = "secret-keys.json";

/** Derives a short stable id for a bare key, so ciphertexts name the key that sealed them. */
export function keyIdOf(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 8);
}

function decodeKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, "hex") : Buffer.from(trimmed, "base64");
  if (key.length !== 32) {
    throw new Error("SWITCHBOARD_SECRET_KEY must hold 32-byte keys (base64 or 64 hex characters)");
  }
  return key;
}

/**
 * Parses `SWITCHBOARD_SECRET_KEY`: either one key, or `id:key` entries separated by commas, newest
 * first (add a new key at the front, run `switchboard rotate-key`, later drop the old one).
 */
export function parseKeyring(value: string): VaultKey[] {
  const entries = value.split(",").map((s) => s.trim()).filter(Boolean);
  if (entries.length === 0) throw new Error("SWITCHBOARD_SECRET_KEY is empty");
  return entries.map((entry) => {
    const colon = entry.indexOf(":");
    if (colon > 0 && colon < entry.length - 1 && !/^[A-Za-z0-9+/=]{40,}$/.test(entry)) {
      const id = entry.slice(0, colon);
      if (!/^[A-Za-z0-9_-]{1,32}$/.test(id)) throw new Error("Vault key ids must be 1-32 characters of [A-Za-z0-9_-]");
      return { id, key: decodeKey(entry.slice(colon + 1)) };
    }
    const key = decodeKey(entry);
    return { id: keyIdOf(key), key };
  });
}

/** Loads the keyring from the environment value, else from the data dir (creating it on first start). */
export function loadKeyring(secretKey: string | undefined, dataDir: string): Keyring {
  if (secretKey) return { keys: parseKeyring(secretKey), source: "env", generated: false };
  const file = join(dataDir, KEY_FILE);
  if (existsSync(file)) {
    return { keys: readKeyFile(file), source: "file", file, generated: false };
  }
  mkdirSync(dataDir, { recursive: true });
  const keys = [newKey()];
  writeKeyFile(file, keys);
  return { keys, source: "file", file, generated: true };
}

/** A fresh random key with an id derived from it. */
export function newKey(): VaultKey {
  const key = randomBytes(32);
  return { id: keyIdOf(key), key };
}

function readKeyFile(file: string): VaultKey[] {
  const parsed = JSON.parse(readFileSync(file, "utf8")) as { keys?: Array<{ id: string; key: string }> };
  if (!parsed.keys?.length) throw new Error(`${file} holds no keys`);
  return parsed.keys.map((k) => ({ id: k.id, key: decodeKey(k.key) }));
}

/** Writes the generated keyring (mode 0600: it is the root of every secret at rest). */
export function writeKeyFile(file: string, keys: VaultKey[]): void {
  const body = { keys: keys.map((k) => ({ id: k.id, key: k.key.toString("base64") })) };
  writeFileSync(file, JSON.stringify(body, null, 2) + "\n", { mode: 0o600 });
}
