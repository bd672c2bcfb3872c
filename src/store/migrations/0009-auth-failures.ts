import type { Kysely } from "kysely";
import type { StoreDialect } from "../database.js";
import { autoId } from "./columns.js";

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against the schema as it was then */

/**
 * Authorization failures per credential and class (revoked, rotated by a sibling, provider outage, clock
 * skew, token replication delay, configuration error, lock contention): a counter and the last occurrence,
 * so the integration health API can tell a person which one it is instead of "auth failed".
 */
export async function up(db: Kysely<any>, dialect: StoreDialect): Promise<void> {
  await db.schema
    .createTable("auth_failures")
    .$call((t) => autoId(t, dialect))
    .addColumn("provider", "text", (c) => c.notNull())
    .addColumn("external_id", "text", (c) => c.notNull())
    .addColumn("failure_class", "text", (c) => c.notNull())
    .addColumn("count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("first_at", "text", (c) => c.notNull())
    .addColumn("last_at", "text", (c) => c.notNull())
    .addColumn("last_message", "text")
    .execute();
  await db.schema.createIndex("auth_failures_credential_class").unique().on("auth_failures").columns(["provider", "external_id", "failure_class"]).execute();
}
