import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { openStore, type Store } from "../../src/store/database.js";
import { migrateToLatest } from "../../src/store/migrate.js";

/** Which store this run uses: PostgreSQL when DATABASE_URL is set, else SQLite. */
export const storeMode: "postgres" | "sqlite" = process.env.DATABASE_URL ? "postgres" : "sqlite";

/** Redis URL of the distributed run, if any. */
export const redisUrl: string | undefined = process.env.REDIS_URL || undefined;

export interface TestStore {
  store: Store;
  /** Data directory of this store (a fresh temporary one). */
  dataDir: string;
  /** PostgreSQL schema isolating this store, when in PostgreSQL mode. */
  schema: string | undefined;
  /** Opens another connection to the same store (another "process" view). */
  reopen(): Promise<Store>;
  destroy(): Promise<void>;
}

/** A fresh, migrated store of the run's kind, private to the caller. */
export async function createTestStore(): Promise<TestStore> {
  const dataDir = mkdtempSync(join(tmpdir(), "switchboard-test-"));
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const schema = databaseUrl ? `t_${randomBytes(6).toString("hex")}` : undefined;
  const open = () => openStore({ databaseUrl, dataDir, schema });
  const store = await open();
  await migrateToLatest(store);
  return {
    store,
    dataDir,
    schema,
    reopen: open,
    destroy: async () => {
      await store.close();
      if (databaseUrl && schema) await dropSchema(databaseUrl, schema);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** A unique key prefix so parallel test files never share Redis keys. */
export function uniquePrefix(label: string): string {
  return `sbtest:${label}:${randomBytes(4).toString("hex")}:`;
}
