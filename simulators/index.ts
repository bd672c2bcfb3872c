import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startAzureDevopsSimulator } from "./azure-devops/index.js";
import { startBitbucketSimulator } from "./bitbucket/index.js";
import { startGithubSimulator } from "./github/index.js";
import { startJiraServerSimulator } from "./jira-server/index.js";
import { startOpsgenieSimulator } from "./opsgenie/index.js";
import type { StartedSimulator } from "./shared/types.js";

export { startAzureDevopsSimulator, startBitbucketSimulator, startGithubSimulator, startJiraServerSimulator, startOpsgenieSimulator };

export interface StartSimulatorsOptions {
  /** Which to start (default: all), by name: github, azure-devops, jira-server, bitbucket, opsgenie. */
  providers?: string[];
  host?: string;
  /** The first provider listens on basePort, the next on basePort + 1, ...; default: random free ports. */
  basePort?: number;
  /** Switchboard's public URL; deliveries go to its webhook routes, and Bitbucket installs the app found there. */
  webhookBaseUrl?: string;
}

type Starter = (options: { port: number; host: string; webhookBaseUrl: string }) => Promise<StartedSimulator<unknown>>;

/** Simulators by provider name, each pointed at the Switchboard route it delivers to. */
const STARTERS: Record<string, Starter> = {
  github: ({ port, host, webhookBaseUrl }) => startGithubSimulator({ port, host, webhookUrl: `${webhookBaseUrl}/extensions/github/webhook/` }),
  "azure-devops": ({ port, host, webhookBaseUrl }) =>
    startAzureDevopsSimulator({ port, host, webhookUrl: `${webhookBaseUrl}/extensions/vsts/issue-updated/` }) as Promise<StartedSimulator<unknown>>,
  // Jira webhooks are registered through its REST API, each URL carrying its own token.
  "jira-server": ({ port, host }) => startJiraServerSimulator({ port, host }) as Promise<StartedSimulator<unknown>>,
  // Bitbucket reads the Connect descriptor at <webhookBaseUrl>/extensions/bitbucket/descriptor/ on POST /_sim/install.
  bitbucket: ({ port, host, webhookBaseUrl }) => startBitbucketSimulator({ port, host, appUrl: webhookBaseUrl }) as Promise<StartedSimulator<unknown>>,
  opsgenie: ({ port, host }) => startOpsgenieSimulator({ port, host }) as Promise<StartedSimulator<unknown>>,
};

export const SIMULATOR_PROVIDERS = Object.keys(STARTERS);

/** Starts the chosen simulators (all by default) on loopback; if one fails, those already started are stopped. */
export async function startSimulators(options: StartSimulatorsOptions = {}): Promise<Array<StartedSimulator<unknown>>> {
  const names = options.providers?.length ? [...new Set(options.providers)] : SIMULATOR_PROVIDERS;
  const unknown = names.filter((n) => !(n in STARTERS));
  if (unknown.length) throw new Error(`No simulator for ${unknown.join(", ")}; available: ${SIMULATOR_PROVIDERS.join(", ")}`);
  const webhookBaseUrl = (options.webhookBaseUrl ?? "http://localhost:9000").replace(/\/+$/, "");
  const started: Array<StartedSimulator<unknown>> = [];
  try {
    for (const [i, name] of names.entries()) {
      const port = options.basePort === undefined ? 0 : options.basePort + i;
      started.push(await (STARTERS[name] as Starter)({ port, host: options.host ?? "127.0.0.1", webhookBaseUrl }));
    }
  } catch (error) {
    await Promise.all(started.map((s) => s.stop()));
    throw error;
  }
  return started;
}

export interface SimulatorTableOptions {
  /** Where PEM values are written (default: a new private temp directory). */
  pemDir?: string;
}

/**
 * A plain-text table: provider, base URL, and each setting to configure Switchboard with. PEM values are
 * written to files (mode 0600) and shown by path, so the table stays readable.
 */
export function formatSimulatorTable(started: Array<StartedSimulator<unknown>>, options: SimulatorTableOptions = {}): string {
  let dir = options.pemDir;
  const rows: Array<[string, string, string, string]> = [["PROVIDER", "BASE URL", "SETTING", "VALUE"]];
  for (const sim of started) {
    const entries = Object.entries(sim.credentials);
    if (!entries.length) rows.push([sim.provider, sim.url, "", ""]);
    entries.forEach(([key, value], i) => {
      let shown = value;
      if (value.includes("-----BEGIN ")) {
        dir ??= mkdtempSync(join(tmpdir(), "switchboard-sim-"));
        const file = join(dir, `${sim.provider}-${key.toLowerCase().replace(/_/g, "-")}.pem`);
        writeFileSync(file, value.endsWith("\n") ? value : `${value}\n`, { mode: 0o600 });
        shown = `${file} (PEM file; e.g. ${key}="$(cat ${file})")`;
      }
      rows.push(i === 0 ? [sim.provider, sim.url, key, shown] : ["", "", key, shown]);
    });
  }
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]?.length ?? 0)));
  const line = (r: string[]) => r.map((cell, c) => (c < 3 ? cell.padEnd(widths[c] as number) : cell)).join("  ").trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).concat("-----").join("  ");
  return [line(rows[0] as string[]), rule, ...rows.slice(1).map(line)].join("\n");
}
