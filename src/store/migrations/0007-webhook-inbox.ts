import type { Kysely } from "kysely";
import type { StoreDialect } from "../database.js";
import { autoId } from "./columns.js";

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against the schema as it was then */

/** The durable webhook inbox: every verified delivery, recorded before it is acknowledged. */
export async function up(db: Kysely<any>, dialect: StoreDialect): Promise<void> {
  await db.schema
    .createTable("webhook_deliveries")
    .$call((t) => autoId(t, dialect))
    .addColumn("provider", "text", (c) => c.notNull())
    .addColumn("delivery_id", "text", (c) => c.notNull())
    .addColumn("event", "text", (c) => c.notNull())
    .addColumn("verified_by", "text", (c) => c.notNull())
    .addColumn("headers", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull().defaultTo("received"))
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_error", "text")
    .addColumn("received_at", "text", (c) => c.notNull())
    .addColumn("processed_at", "text")
    .addUniqueConstraint("webhook_deliveries_unique", ["provider", "delivery_id"])
    .execute();
  await db.schema.createIndex("webhook_deliveries_state").on("webhook_deliveries").columns(["state", "received_at"]).execute();
}
