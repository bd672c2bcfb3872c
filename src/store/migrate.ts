import { Migrator, type Migration, type MigrationResultSet } from "kysely";
import type { Store } from "./database.js";
import * as domain from "./migrations/0001-domain.js";
import * as sync from "./migrations/0006-sync.js";
import * as inbox from "./migrations/0007-webhook-inbox.js";
import * as opsgenieAlertRules from "./migrations/0008-opsgenie-alert-rules.js";
import * as authFailures from "./migrations/0009-auth-failures.js";
import * as deliveryLog from "./migrations/0010-delivery-log.js";
import * as webAccounts from "./migrations/0011-web-accounts.js";

type StoreMigration = { name: string; up: (db: Parameters<typeof domain.up>[0], dialect: Store["dialect"]) => Promise<void> };

/** Every migration, in order. New ones are appended, never edited once released. */
const MIGRATIONS: StoreMigration[] = [
  { name: "0001-domain", up: domain.up },
  { name: "0006-sync", up: sync.up },
  { name: "0007-webhook-inbox", up: inbox.up },
  { name: "0008-opsgenie-alert-rules", up: opsgenieAlertRules.up },
  { name: "0009-auth-failures", up: authFailures.up },
  { name: "0010-delivery-log", up: deliveryLog.up },
  { name: "0011-web-accounts", up: webAccounts.up },
];

/** Registers a migration contributed by a later module; kept in name order. */
export function registerMigration(migration: StoreMigration): void {
  if (MIGRATIONS.some((m) => m.name === migration.name)) return;
  MIGRATIONS.push(migration);
  MIGRATIONS.sort((a, b) => a.name.localeCompare(b.name));
}

/** Brings the store's schema up to date; safe to run from several processes at once. */
export async function migrateToLatest(store: Store): Promise<string[]> {
  const migrations: Record<string, Migration> = {};
  for (const m of MIGRATIONS) {
    migrations[m.name] = { up: (db) => m.up(db, store.dialect) };
  }
  const migrator = new Migrator({
    db: store.db,
    provider: { getMigrations: async () => migrations },
    // Migration numbers were handed out ahead of time: a store that ran 0010 before 0009 existed still gets 0009.
    allowUnorderedMigrations: true,
    // Introspection sees every schema; name ours so another schema's bookkeeping is never mistaken for it.
    ...(store.schema ? { migrationTableSchema: store.schema } : {}),
  });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error");
    const reason = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(`Migration ${failed?.migrationName ?? "(unknown)"} failed: ${reason}`, { cause: result.error });
  }
  return (result.results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
