import { createApp } from "../app.js";
import { loadConfig } from "../config.js";
import { startJobWorkers } from "../jobs/start-workers.js";
import { configFlags, SERVICE_OPTIONS, SERVICE_OPTIONS_HELP, type Command } from "./command.js";
import { waitForShutdownSignal } from "./shutdown.js";

export const workerCommand: Command = {
  name: "worker",
  summary: "Work queued jobs without serving HTTP (run several when distributed)",
  help: `Usage: switchboard worker [options]

Processes queued jobs (webhook dispatch, outbound sync, alerts) until interrupted. With REDIS_URL
set, any number of worker processes share the BullMQ queues; on the embedded default the worker
polls the store's job table.

Options:
${SERVICE_OPTIONS_HELP}
  -h, --help            Show this help`,
  options: { ...SERVICE_OPTIONS },
  async run(values) {
    const app = await createApp(loadConfig(process.env, configFlags(values)));
    const workers = startJobWorkers(app);
    app.logger.info({ queues: workers.length, mode: app.platform.mode }, "switchboard worker started");
    await waitForShutdownSignal();
    await Promise.all(workers.map((w) => w.stop()));
    await app.close();
    return 0;
  },
};
