/** One `switchboard` subcommand. */
export interface Command {
  name: string;
  summary: string;
  /** Full help text shown by `switchboard <name> --help`. */
  help: string;
  /** Option definitions for node:util parseArgs. */
  options: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }>;
  /** Runs the command; resolves to the process exit code (a long-running command resolves on shutdown). */
  run(values: Record<string, string | boolean | string[] | undefined>, positionals: string[]): Promise<number>;
}

/** Flags every service command accepts, mapped onto the configuration. */
export const SERVICE_OPTIONS = {
  port: { type: "string" },
  host: { type: "string" },
  url: { type: "string" },
  "data-dir": { type: "string" },
  "database-url": { type: "string" },
  "redis-url": { type: "string" },
  "log-level": { type: "string" },
} as const;

export const SERVICE_OPTIONS_HELP = `  --port <n>            PORT: HTTP port (default 9000)
  --host <addr>         HOST: address to listen on (default 127.0.0.1)
  --url <url>           SWITCHBOARD_URL: public base URL (default http://localhost:<port>)
  --data-dir <dir>      SWITCHBOARD_DATA_DIR: embedded store and generated key (default ./data)
  --database-url <url>  DATABASE_URL: use PostgreSQL instead of the embedded SQLite file
  --redis-url <url>     REDIS_URL: use Redis (cache, locks, ids) and BullMQ (jobs)
  --log-level <level>   LOG_LEVEL: fatal|error|warn|info|debug|trace|silent (default info)`;

/** Picks the configuration flags out of parsed values. */
export function configFlags(values: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(SERVICE_OPTIONS)) {
    const value = values[key];
    if (typeof value === "string") out[key] = value;
  }
  return out;
}
