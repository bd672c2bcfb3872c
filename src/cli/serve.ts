import { buildServer } from "../api/server.js";
import { createApp } from "../app.js";
import { loadConfig } from "../config.js";
import { startJobWorkers } from "../jobs/start-workers.js";
import { configFlags, SERVICE_OPTIONS, SERVICE_OPTIONS_HELP, type Command } from "./command.js";
import { waitForShutdownSignal } from "./shutdown.js";

export const serveCommand: Command = {
  name: "serve",
  summary: "Run the HTTP service (and, on the embedded default, the job worker)",
  help: `Usage: switchboard serve [options]

Migrates the store, then serves the API, webhook routes and dashboard. On the embedded default
(no REDIS_URL) the job worker runs in the same process; with Redis, run \`switchboard worker\`
processes as well (or keep --worker on to also work jobs here).

Options:
${SERVICE_OPTIONS_HELP}
  --worker <on|off>     SWITCHBOARD_WORKER: work queued jobs in this process (default on)
  -h, --help            Show this help`,
  options: { ...SERVICE_OPTIONS, worker: { type: "string" } },
  async run(values) {
    const config = loadConfig(process.env, { ...configFlags(values), ...(typeof values.worker === "string" ? { worker: values.worker } : {}) });
    const app = await createApp(config);
    const server = await buildServer(app);
    const workers = config.runWorker ? startJobWorkers(app) : [];
    await server.listen({ port: config.port, host: config.host });
    app.logger.info(
      { url: config.publicUrl, store: app.store.location, mode: app.platform.mode, worker: config.runWorker },
      "switchboard is serving",
    );
    const signal = await waitForShutdownSignal();
    app.logger.info({ signal }, "shutting down");
    await server.close();
    await Promise.all(workers.map((w) => w.stop()));
    await app.close();
    return 0;
  },
};
