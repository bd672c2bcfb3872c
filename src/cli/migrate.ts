import { createApp } from "../app.js";
import { loadConfig } from "../config.js";
import { createLogger } from "../logger.js";
import { migrateToLatest } from "../store/migrate.js";
import { configFlags, SERVICE_OPTIONS, SERVICE_OPTIONS_HELP, type Command } from "./command.js";

export const migrateCommand: Command = {
  name: "migrate",
  summary: "Bring the store's schema up to date and exit",
  help: `Usage: switchboard migrate [options]

Applies pending migrations to the configured store (SQLite file or PostgreSQL) and exits.
\`switchboard serve\` also migrates at start; this command lets a deployment migrate first.

Options:
${SERVICE_OPTIONS_HELP}
  -h, --help            Show this help`,
  options: { ...SERVICE_OPTIONS },
  async run(values) {
    const config = loadConfig(process.env, configFlags(values));
    const app = await createApp(config, { migrate: false, logger: createLogger(config.logLevel, process.stderr) });
    try {
      const applied = await migrateToLatest(app.store);
      console.log(applied.length ? `Applied: ${applied.join(", ")}` : "Already up to date.");
      console.log(`Store: ${app.store.location}`);
      return 0;
    } finally {
      await app.close();
    }
  },
};
