import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { keyIdOf, loadKeyring, newKey, parseKeyring } from "../../src/platform/vault/keyring.js";
import { isSealed, Vault } from "../../src/platform/vault/vault.js";

describe("vault (AES-256-GCM at rest)", () => {
  it("opens what it sealed and never stores the plaintext", () => {
    const vault = new Vault([newKey()]);
    const sealed = vault.seal("ghs_supersecret");
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain("supersecret");
    expect(vault.open(sealed)).toBe("ghs_supersecret");
  });

  it("uses a fresh IV for every value", () => {
    const vault = new Vault([newKey()]);
    expect(vault.seal("same")).not.toBe(vault.seal("same"));
  });

  it("names the sealing key in the ciphertext", () => {
    const key = newKey();
    expect(new Vault([key]).seal("x")).toMatch(new RegExp(`^sealed:v1:${key.id}:`));
  });

  it("refuses a tampered ciphertext with vault_tampered and without echoing it", () => {
    const vault = new Vault([newKey()]);
    const sealed = vault.seal("token-value");
    const packed = Buffer.from(sealed.split(":")[3] as string, "base64");
    const at = packed.length - 20;
    packed.writeUInt8(packed.readUInt8(at) ^ 1, at);
    const tampered = sealed.split(":").slice(0, 3).join(":") + ":" + packed.toString("base64");
    expect(() => vault.open(tampered)).toThrow(expect.objectContaining({ code: "vault_tampered" }));
    try {
      vault.open(tampered);
    } catch (error) {
      expect((error as Error).message).not.toContain(tampered);
    }
  });

  it("refuses a value sealed with a key it does not hold", () => {
    const sealed = new Vault([newKey()]).seal("x");
    expect(() => new Vault([newKey()]).open(sealed)).toThrow(expect.objectContaining({ code: "vault_unknown_key" }));
  });

  it("keeps old ciphertexts readable after rotation and seals new ones with the newest key", () => {
    const oldKey = newKey();
    const newer = newKey();
    const before = new Vault([oldKey]).seal("refresh-token");
    const rotated = new Vault([newer, oldKey]);
    expect(rotated.open(before)).toBe("refresh-token");
    expect(rotated.needsReseal(before)).toBe(true);
    const resealed = rotated.reseal(before);
    expect(rotated.needsReseal(resealed)).toBe(false);
    expect(new Vault([newer]).open(resealed)).toBe("refresh-token");
  });

  it("round-trips JSON values", () => {
    const vault = new Vault([newKey()]);
    expect(vault.openJson(vault.sealJson({ access_token: "a", n: 1 }))).toEqual({ access_token: "a", n: 1 });
  });
});

describe("keyring", () => {
  it("accepts one bare base64 key and derives its id", () => {
    const key = randomBytes(32);
    const [parsed] = parseKeyring(key.toString("base64"));
    expect(parsed?.id).toBe(keyIdOf(key));
    expect(parsed?.key.equals(key)).toBe(true);
  });

  it("accepts id:key entries newest first", () => {
    const a = randomBytes(32).toString("base64");
    const b = randomBytes(32).toString("hex");
    expect(parseKeyring(`new:${a}, old:${b}`).map((k) => k.id)).toEqual(["new", "old"]);
  });

  it("refuses keys that are not 32 bytes", () => {
    expect(() => parseKeyring(randomBytes(16).toString("base64"))).toThrow(/32-byte/);
  });

  it("generates a private key file on first start and reuses it afterwards", () => {
    const dir = mkdtempSync(join(tmpdir(), "sb-keyring-"));
    const first = loadKeyring(undefined, dir);
    expect(first.generated).toBe(true);
    expect(first.source).toBe("file");
    expect(statSync(join(dir, "secret-keys.json")).mode & 0o777).toBe(0o600);
    const second = loadKeyring(undefined, dir);
    expect(second.generated).toBe(false);
    expect(second.keys[0]?.id).toBe(first.keys[0]?.id);
    expect(readFileSync(join(dir, "secret-keys.json"), "utf8")).toContain(first.keys[0]?.id);
  });

  it("prefers SWITCHBOARD_SECRET_KEY over the data directory", () => {
    const dir = mkdtempSync(join(tmpdir(), "sb-keyring-"));
    const key = randomBytes(32).toString("base64");
    const ring = loadKeyring(key, dir);
    expect(ring.source).toBe("env");
    expect(() => statSync(join(dir, "secret-keys.json"))).toThrow();
  });
});
