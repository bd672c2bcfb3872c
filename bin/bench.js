#!/usr/bin/env node
// `npm run bench` runs every benchmark in bench/; `npm run bench -- <name>` runs bench/<name>.ts.
// Each benchmark prints its figures and ends with one JSON line; this runner collects those lines.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const benchDir = join(root, "bench");
const available = readdirSync(benchDir)
  .filter((f) => f.endsWith(".ts") && !f.startsWith("_"))
  .map((f) => f.slice(0, -3))
  .sort();
const requested = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const unknown = requested.filter((name) => !available.includes(name));
if (unknown.length) {
  console.error(`Unknown benchmark(s): ${unknown.join(", ")}. Available: ${available.join(", ")}`);
  process.exit(2);
}
const names = requested.length ? requested : available;
const results = [];
let failed = false;
for (const name of names) {
  console.log(`\n### bench ${name}`);
  const run = spawnSync(process.execPath, ["--import", "tsx", join(benchDir, `${name}.ts`)], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  process.stdout.write(run.stdout);
  const last = run.stdout.trim().split("\n").reverse().find((l) => l.startsWith("{\"bench\""));
  if (run.status !== 0 || !last) {
    failed = true;
    console.error(`bench ${name} did not finish (exit ${run.status})`);
    continue;
  }
  results.push(last);
}
if (names.length > 1) {
  console.log("\n### summary");
  for (const line of results) console.log(line);
}
process.exit(failed ? 1 : 0);
