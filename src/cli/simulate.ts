import type { Command } from "./command.js";
import { waitForShutdownSignal } from "./shutdown.js";

export const simulateCommand: Command = {
  name: "simulate",
  summary: "Start local provider simulators (GitHub, Azure DevOps, Jira Server, Bitbucket, Opsgenie)",
  help: `Usage: switchboard simulate [options]

Starts faithful local servers for the providers on loopback and prints, for each, its base URL
and the credentials to configure Switchboard with. Serves until interrupted (Ctrl-C).

Options:
  --provider <name>     Start only this provider (repeatable): github, azure-devops,
                        jira-server, bitbucket, opsgenie
  --host <addr>         Address to listen on (default 127.0.0.1)
  --base-port <n>       First port to use (default: random free ports)
  --webhook-url <url>   Switchboard's public URL, where simulators deliver webhooks
                        (default $SWITCHBOARD_URL or http://localhost:9000)
  -h, --help            Show this help`,
  options: {
    provider: { type: "string", multiple: true },
    host: { type: "string" },
    "base-port": { type: "string" },
    "webhook-url": { type: "string" },
  },
  async run(values) {
    const providers = Array.isArray(values.provider) ? values.provider : undefined;
    const basePort = typeof values["base-port"] === "string" ? Number(values["base-port"]) : undefined;
    const webhookBaseUrl =
      (typeof values["webhook-url"] === "string" ? values["webhook-url"] : undefined) ?? process.env.SWITCHBOARD_URL ?? "http://localhost:9000";
    // Loaded on demand: the other commands never pay for the simulators.
    const { formatSimulatorTable, startSimulators } = await import("../../simulators/index.js");
    const started = await startSimulators({
      providers,
      host: typeof values.host === "string" ? values.host : "127.0.0.1",
      basePort,
      webhookBaseUrl,
    });
    console.log(formatSimulatorTable(started));
    // Switchboard refuses loopback targets by default (outbound policy); the simulators live there.
    const host = typeof values.host === "string" ? values.host : "127.0.0.1";
    console.log(`\nAlso give Switchboard SWITCHBOARD_ALLOW_PRIVATE_TARGETS=${host} and SWITCHBOARD_URL=${webhookBaseUrl}, so it may call the simulators and they reach it.`);
    console.log("Serving until interrupted (Ctrl-C).");
    await waitForShutdownSignal();
    await Promise.all(started.map((s) => s.stop()));
    return 0;
  },
};
