import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startAzureDevopsSimulator } from "./azure-devops/index.js";
import { startGithubSimulator } from "./github/index.js";
import type { StartedSimulator } from "./shared/types.js";

export { startAzureDevopsSimulator, startGithubSimulator };

export interface StartSimulatorsOptions {
  providers?: string[];
  host?: string;
  basePort?: number;
  /** Switchboard's public URL; deliveries go to its webhook routes. */
  webhookBaseUrl?: string;
}

type Starter = (options: { port?: number; host?: string; webhookBaseUrl: string }) => Promise<StartedSimulator<unknown>>;

/** Simulators by provider name, with the Switchboard route each delivers to. */
const STARTERS: Record<string, Starter> = {
  github: ({ port, host, webhookBaseUrl }) => startGithubSimulator({ port, host, webhookUrl: `${webhookBaseUrl}/extensions/github/webhook/` }),
  "azure-devops": ({ port, host, webhookBaseUrl }) =>
    startAzureDevopsSimulator({ port, host, webhookUrl: `${webhookBaseUrl}/extensions/vsts/issue-updated/` }) as Promise<StartedSimulator<unknown>>,
};

export const SIMULATOR_PROVIDERS = Object.keys(STARTERS);

/** Starts the chosen simulators (all by default) on loopback. */
export async function startSimulators(options: StartSimulatorsOptions = {}): Promise<Array<StartedSimulator<unknown>>> {
  const names = options.providers?.length ? options.providers : SIMULATOR_PROVIDERS;
  const unknown = names.filter((n) => !(n in STARTERS));
  if (unknown.length) throw new Error(`No simulator for ${unknown.join(", ")}; available: ${SIMULATOR_PROVIDERS.join(", ")}`);
  const webhookBaseUrl = (options.webhookBaseUrl ?? "http://localhost:9000").replace(/\/$/, "");
  const started: Array<StartedSimulator<unknown>> = [];
  for (const [i, name] of names.entries()) {
    const port = options.basePort === undefined ? 0 : options.basePort + i;
    started.push(await STARTERS[name]!({ port, host: options.host ?? "127.0.0.1", webhookBaseUrl }));
  }
  return started;
}

/** A plain-text table of each simulator's URL and the settings to give Switchboard; PEM keys go to files. */
export function formatSimulatorTable(started: Array<StartedSimulator<unknown>>): string {
  const dir = mkdtempSync(join(tmpdir(), "switchboard-sim-"));
  const lines: string[] = [];
  for (const sim of started) {
    lines.push(`${sim.provider}  ${sim.url}`);
    for (const [key, value] of Object.entries(sim.credentials)) {
      if (value.includes("PRIVATE KEY")) {
        const file = join(dir, `${sim.provider}-${key.toLowerCase()}.pem`);
        writeFileSync(file, value, { mode: 0o600 });
        lines.push(`  ${key}="$(cat ${file})"`);
      } else {
        lines.push(`  ${key}=${value}`);
      }
    }
  }
  return lines.join("\n");
}
