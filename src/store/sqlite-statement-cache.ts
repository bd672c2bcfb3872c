import type SQLite from "better-sqlite3";

/** How many distinct SQL texts keep their prepared statement (the service issues a few hundred). */
const MAX_STATEMENTS = 1000;

/**
 * Makes `prepare` of a better-sqlite3 database reuse the statement already prepared for the same SQL text.
 * Kysely prepares every query anew, and preparing cost as much as running the statement on the hot paths;
 * a statement is safe to reuse because Kysely runs one query at a time on its single SQLite connection.
 */
export function reusePreparedStatements(database: SQLite.Database, max = MAX_STATEMENTS): SQLite.Database {
  const prepared = new Map<string, SQLite.Statement>();
  const prepare = database.prepare.bind(database);
  const cached = (source: string): SQLite.Statement => {
    let statement = prepared.get(source);
    if (!statement) {
      // Past the bound the texts are not a fixed set (e.g. IN lists of every length): start over.
      if (prepared.size >= max) prepared.clear();
      statement = prepare(source);
      prepared.set(source, statement);
    }
    return statement;
  };
  database.prepare = cached as typeof database.prepare;
  return database;
}
