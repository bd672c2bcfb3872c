// The processes of the sync-inbound benchmark, started as an operator would: `switchboard serve` (working
// jobs itself on the embedded store, or `--worker off` beside `switchboard worker` processes when distributed).
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const BIN = join(dirname(fileURLToPath(import.meta.url)), "..", "bin", "switchboard.js");
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface Cluster {
  url: string;
  /** CPU seconds (user + system) the service's processes have used so far; NaN where /proc is missing. */
  cpuSeconds(): number;
  close(): Promise<void>;
}

// Linux reports CPU times in clock ticks of 1/100 s (USER_HZ) on every platform Node supports.
const TICKS_PER_SECOND = 100;

function cpuSecondsOf(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) start at state; utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const force = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/**
 * Starts `serve` (worker on or off) and `workers` worker processes with `env`; resolves once /healthz answers.
 * `nodeArgs` go to every child's node (e.g. `--cpu-prof` to profile the hot path).
 */
export async function startCluster(env: NodeJS.ProcessEnv, workers: number, nodeArgs: string[] = []): Promise<Cluster> {
  const output: string[] = [];
  const children: ChildProcess[] = [];
  const start = (args: string[]) => {
    const child = spawn(process.execPath, [...nodeArgs, BIN, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.on("data", (c: Buffer) => output.push(c.toString()));
    child.stderr?.on("data", (c: Buffer) => output.push(c.toString()));
    children.push(child);
    return child;
  };
  const port = await freePort();
  const serve = start(["serve", "--worker", workers > 0 ? "off" : "on", "--port", String(port), "--host", "127.0.0.1"]);
  for (let i = 0; i < workers; i++) start(["worker"]);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) break;
    if (i > 600 || serve.exitCode !== null) {
      await Promise.all(children.map(stop));
      throw new Error(`serve did not start: ${output.join("").slice(-2000)}`);
    }
    await sleep(50);
  }
  // Workers load the same sources as serve; give them the time serve took, then some.
  await sleep(1500);
  const dead = children.filter((c) => c.exitCode !== null);
  if (dead.length) throw new Error(`a process exited early: ${output.join("").slice(-2000)}`);
  return {
    url,
    cpuSeconds: () => children.reduce((sum, child) => sum + cpuSecondsOf(child.pid), 0),
    close: async () => {
      await Promise.all(children.map(stop));
      const warnings = output.join("").split("\n").filter((l) => /"level":(50|60)/.test(l));
      if (warnings.length) console.error(`errors logged by the processes (first 3):\n${warnings.slice(0, 3).join("\n")}`);
    },
  };
}
