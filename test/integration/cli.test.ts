import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const BIN = join(import.meta.dirname, "../../bin/switchboard.js");
// The CLI runs on the embedded default here; the distributed run covers PostgreSQL through the app tests.
const ENV = { ...process.env, DATABASE_URL: "", REDIS_URL: "", SWITCHBOARD_SECRET_KEY: "", LOG_LEVEL: "info" };

function run(args: string[], env: NodeJS.ProcessEnv = ENV) {
  return spawnSync(process.execPath, [BIN, ...args], { env, encoding: "utf8", timeout: 60_000 });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

describe("switchboard command line", () => {
  it("lists every command in --help", () => {
    const result = run(["--help"]);
    expect(result.status).toBe(0);
    for (const name of ["serve", "worker", "migrate", "rotate-key", "simulate"]) expect(result.stdout).toContain(name);
  });

  it("gives help for each command", () => {
    for (const name of ["serve", "worker", "migrate", "rotate-key", "simulate"]) {
      const result = run([name, "--help"]);
      expect(result.status, name).toBe(0);
      expect(result.stdout, name).toContain(`Usage: switchboard ${name}`);
    }
  });

  it("simulate refuses a provider it has no simulator for, naming the available ones", () => {
    const result = run(["simulate", "--provider", "nope"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("No simulator for nope; available: github, azure-devops");
  });

  it("token create prints one token on stdout and refuses an unknown organization without --create-org", () => {
    const dir = mkdtempSync(join(tmpdir(), "sb-cli-"));
    const refused = run(["token", "create", "--org", "acme", "--data-dir", dir]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('No organization "acme"');
    const created = run(["token", "create", "--org", "acme", "--create-org", "--data-dir", dir]);
    expect(created.status, created.stderr).toBe(0);
    expect(created.stdout.trim()).toMatch(/^sbt_[A-Za-z0-9_-]{43}$/);
  });

  it("exits 2 and says so for an unknown command", () => {
    const result = run(["frobnicate"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Unknown command "frobnicate"');
  });

  it("migrates a fresh data directory, generating the vault key with a log line", () => {
    const dir = mkdtempSync(join(tmpdir(), "sb-cli-"));
    const first = run(["migrate", "--data-dir", dir]);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain("Applied: 0001-domain");
    expect(first.stderr).toContain("generated a vault key");
    expect(readFileSync(join(dir, "secret-keys.json"), "utf8")).toContain('"keys"');
    const second = run(["migrate", "--data-dir", dir]);
    expect(second.stdout).toContain("Already up to date.");
  });

  it("rotate-key adds a newer key to the generated key file", () => {
    const dir = mkdtempSync(join(tmpdir(), "sb-cli-"));
    expect(run(["migrate", "--data-dir", dir]).status).toBe(0);
    const before = JSON.parse(readFileSync(join(dir, "secret-keys.json"), "utf8")) as { keys: unknown[] };
    const result = run(["rotate-key", "--data-dir", dir]);
    expect(result.status, result.stderr).toBe(0);
    const after = JSON.parse(readFileSync(join(dir, "secret-keys.json"), "utf8")) as { keys: Array<{ id: string }> };
    expect(after.keys).toHaveLength(before.keys.length + 1);
    expect(result.stdout).toContain(`with key ${after.keys[0]?.id}`);
  });

  it("serves /healthz on the embedded default and shuts down cleanly on SIGTERM", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sb-cli-"));
    const port = await freePort();
    const child = spawn(process.execPath, [BIN, "serve", "--port", String(port), "--data-dir", dir], { env: ENV });
    let output = "";
    child.stdout.on("data", (c) => (output += c));
    child.stderr.on("data", (c) => (output += c));
    try {
      let body: { status?: string; store?: { dialect: string } } = {};
      for (let i = 0; i < 100 && body.status !== "ok"; i++) {
        try {
          body = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as typeof body;
        } catch {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      expect(body.status, output).toBe("ok");
      expect(body.store?.dialect).toBe("sqlite");
    } finally {
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    }
  });
});
