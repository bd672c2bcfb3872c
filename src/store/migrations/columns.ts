import type { CreateTableBuilder } from "kysely";
import type { StoreDialect } from "../database.js";

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against the schema as it was then */
export type TableBuilder = CreateTableBuilder<any, any>;

/** Auto-increment primary key, spelled for each store. */
export function autoId(t: TableBuilder, dialect: StoreDialect): TableBuilder {
  return dialect === "postgres"
    ? t.addColumn("id", "bigserial", (c) => c.primaryKey())
    : t.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
}
