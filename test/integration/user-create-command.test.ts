import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { verifyPassword } from "../../src/api/auth/password-hash.js";
import { createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { findLoginByEmail } from "../../src/store/user-passwords.js";

const BIN = join(import.meta.dirname, "../../bin/switchboard.js");
// The command runs on the embedded default here, as the other CLI tests do.
const ENV = { ...process.env, DATABASE_URL: "", REDIS_URL: "", SWITCHBOARD_SECRET_KEY: "", LOG_LEVEL: "warn" };

const run = (args: string[], input?: string) => spawnSync(process.execPath, [BIN, ...args], { env: ENV, encoding: "utf8", timeout: 60_000, input });

async function passwordOf(dir: string, email: string): Promise<{ hash: string | null; members: number }> {
  const app = await createApp(loadConfig({ SWITCHBOARD_DATA_DIR: dir, LOG_LEVEL: "silent" }), { logger: createLogger("silent") });
  try {
    const login = await findLoginByEmail(app.store.db, email);
    const members = login ? await app.store.db.selectFrom("organization_members").select("id").where("user_id", "=", login.userId).execute() : [];
    return { hash: login?.passwordHash ?? null, members: members.length };
  } finally {
    await app.close();
  }
}

describe("switchboard user create", () => {
  it("creates a member who can log in, reading the password from stdin; running it again sets a new password", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sb-user-"));
    expect(run(["token", "create", "--org", "acme", "--create-org", "--data-dir", dir]).status).toBe(0);
    const created = run(["user", "create", "--org", "acme", "--email", "ana@example.com", "--data-dir", dir], "first passphrase\n");
    expect(created.status, created.stderr).toBe(0);
    expect(created.stdout).toContain("Created ana@example.com, member of acme");
    expect(created.stdout + created.stderr).not.toContain("first passphrase");
    let stored = await passwordOf(dir, "ana@example.com");
    expect(stored.members).toBe(1);
    expect(await verifyPassword("first passphrase", stored.hash!)).toBe(true);

    const again = run(["user", "create", "--org", "acme", "--email", "ana@example.com", "--password", "second passphrase", "--data-dir", dir]);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain("Password set for ana@example.com");
    stored = await passwordOf(dir, "ana@example.com");
    expect(stored.members).toBe(1);
    expect(await verifyPassword("second passphrase", stored.hash!)).toBe(true);
    expect(await verifyPassword("first passphrase", stored.hash!)).toBe(false);
  }, 120_000);

  it("refuses missing options, a short password and an unknown organization", () => {
    const dir = mkdtempSync(join(tmpdir(), "sb-user-"));
    expect(run(["user", "create", "--email", "a@example.com", "--data-dir", dir]).status).toBe(2);
    expect(run(["user", "create", "--org", "acme", "--email", "not-an-email", "--password", "long enough", "--data-dir", dir]).status).toBe(2);
    const short = run(["user", "create", "--org", "acme", "--email", "a@example.com", "--password", "short", "--data-dir", dir]);
    expect(short.status).toBe(2);
    expect(short.stderr).toContain("at least 8 characters");
    const unknown = run(["user", "create", "--org", "nope", "--email", "a@example.com", "--password", "long enough", "--data-dir", dir]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('No organization "nope"');
  }, 120_000);

  it("is listed in --help", () => {
    const help = run(["--help"]);
    expect(help.stdout).toContain("user create");
  });
});
