import { mkdirSync } from "node:fs";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect, sql } from "kysely";
import pg from "pg";
import type { Database } from "./schema.js";
import { reusePreparedStatements } from "./sqlite-statement-cache.js";

export type StoreDialect = "sqlite" | "postgres";

/** The one query layer over either store, and how to close it. */
export interface Store {
  db: Kysely<Database>;
  dialect: StoreDialect;
  /** Human-readable location (file path or database URL without credentials). */
  location: string;
  /** PostgreSQL schema holding the tables (undefined for SQLite). */
  schema: string | undefined;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** PostgreSQL connection string; when absent the embedded SQLite file is used. */
  databaseUrl?: string | undefined;
  /** Directory for the embedded store's file. */
  dataDir: string;
  /** SQLite file name inside `dataDir` (default `switchboard.db`); `:memory:` for a private in-memory store. */
  filename?: string;
  /** PostgreSQL schema to use (created when missing); tests isolate themselves this way. */
  schema?: string;
  /** PostgreSQL pool size. */
  poolSize?: number;
}

// 64-bit integers fit in a JS number for every id we issue (snowflakes are 53 bits), so read them as numbers.
const pgTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === 20) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as "text");
  },
};

/** Opens the configured store: PostgreSQL when a URL is given, else the embedded SQLite file (WAL). */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options);
  return openSqlite(options);
}

function openSqlite(options: OpenStoreOptions): Store {
  const filename = options.filename ?? "switchboard.db";
  let path = filename;
  if (filename !== ":memory:") {
    mkdirSync(options.dataDir, { recursive: true });
    path = join(options.dataDir, filename);
  }
  const database = new SQLite(path);
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = NORMAL");
  database.pragma("foreign_keys = ON");
  database.pragma("busy_timeout = 5000");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: reusePreparedStatements(database) }) });
  return {
    db,
    dialect: "sqlite",
    location: path,
    schema: undefined,
    close: async () => {
      await db.destroy();
    },
  };
}

/** The schema a connection string selects with `?options=-c search_path=<schema>`, if any. */
function schemaFromUrl(url: string): string | undefined {
  try {
    const match = /(?:^|\s)-c\s*search_path=([^\s,]+)/.exec(new URL(url).searchParams.get("options") ?? "");
    return match?.[1];
  } catch {
    return undefined;
  }
}

async function openPostgres(url: string, options: OpenStoreOptions): Promise<Store> {
  // A deployment (or a test's child process) may name its schema in DATABASE_URL; migrations must look there too.
  const schema = options.schema ?? schemaFromUrl(url);
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`Invalid PostgreSQL schema name: ${schema}`);
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    types: pgTypes,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client's network error must not crash the process; the next query reports it.
  pool.on("error", () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  if (schema) await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(schema)}`.execute(db);
  return {
    db,
    dialect: "postgres",
    location: redactUrl(url) + (schema ? ` (schema ${schema})` : ""),
    schema: schema ?? "public",
    close: async () => {
      await db.destroy();
    },
  };
}

/** A database URL with its password removed, for logs and health output. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable url)";
  }
}
