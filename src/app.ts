import type { Config } from "./config.js";
import { createLogger, type Logger } from "./logger.js";
import { systemClock, type Clock } from "./platform/clock.js";
import { createPlatform, type Platform } from "./platform/create-platform.js";
import { loadKeyring, type Keyring } from "./platform/vault/keyring.js";
import { Vault } from "./platform/vault/vault.js";
import { openStore, type Store } from "./store/database.js";
import { migrateToLatest } from "./store/migrate.js";
import { registerProviderSyncClients } from "./providers/registry.js";
import { registerAlerting } from "./alerts/register-alerting.js";
import type { SnowflakeIds } from "./store/snowflake-save.js";

/** Everything a request handler, a job or a command needs, opened once per process. */
export interface App {
  config: Config;
  logger: Logger;
  clock: Clock;
  store: Store;
  platform: Platform;
  vault: Vault;
  keyring: Keyring;
  ids: SnowflakeIds;
  close(): Promise<void>;
}

export interface CreateAppOptions {
  logger?: Logger;
  clock?: Clock;
  /** Run migrations on open (default true: the service migrates at start). */
  migrate?: boolean;
  /** PostgreSQL schema (tests isolate themselves with one). */
  schema?: string;
  /** Redis key prefix (tests isolate themselves with one). */
  keyPrefix?: string;
}

/** Opens the store, migrates it, loads the vault keys and creates the platform adapters. */
export async function createApp(config: Config, options: CreateAppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const keyring = loadKeyring(config.secretKey, config.dataDir);
  if (keyring.generated) {
    logger.warn(
      { file: keyring.file },
      "No SWITCHBOARD_SECRET_KEY was set: generated a vault key in the data directory. Back it up; secrets at rest cannot be read without it.",
    );
  }
  const vault = new Vault(keyring.keys);
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: options.schema });
  try {
    if (options.migrate !== false) {
      const applied = await migrateToLatest(store);
      if (applied.length) logger.info({ applied }, "migrations applied");
    }
    const platform = await createPlatform({ store, redisUrl: config.redisUrl, keyPrefix: options.keyPrefix, clock, logger });
    const ids: SnowflakeIds = { sequence: platform.sequence, clock };
    const app: App = {
      config,
      logger,
      clock,
      store,
      platform,
      vault,
      keyring,
      ids,
      close: async () => {
        await platform.close();
        await store.close();
      },
    };
    registerProviderSyncClients(app);
    registerAlerting(app);
    return app;
  } catch (error) {
    await store.close();
    throw error;
  }
}
