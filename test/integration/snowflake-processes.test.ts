import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decomposeSnowflake } from "../../src/domain/snowflake.js";
import { redisUrl } from "../helpers/test-store.js";

const WORKER = join(import.meta.dirname, "../../bench/_snowflake-worker.ts");

function generate(count: number, startAt: number, prefix: string): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", WORKER, "ours", String(count), String(startAt), prefix, redisUrl as string], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (err += c));
    child.on("exit", (code) => (code === 0 ? resolve((JSON.parse(out) as { ids: number[] }).ids) : reject(new Error(err))));
  });
}

describe.runIf(redisUrl)("snowflake ids across processes (distributed, D13)", () => {
  it("never gives two processes the same id, even in one burst", async () => {
    const prefix = `sbtest:snowflake:${randomBytes(4).toString("hex")}:`;
    const startAt = Date.now() + 2500;
    const batches = await Promise.all([generate(150, startAt, prefix), generate(150, startAt, prefix), generate(150, startAt, prefix)]);
    const ids = batches.flat();
    expect(ids).toHaveLength(450);
    expect(new Set(ids).size).toBe(450);
    // 450 ids in a burst cannot fit one second (16 per second): earlier seconds were borrowed.
    const seconds = new Set(ids.map((id) => decomposeSnowflake(id).timeDifference));
    expect(seconds.size).toBeGreaterThanOrEqual(Math.ceil(450 / 16));
    for (const id of ids) expect(decomposeSnowflake(id).version).toBe(16);
  });
});
