import type { Kysely } from "kysely";
import type { StoreDialect } from "../database.js";
import { autoId } from "./columns.js";

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against the schema as it was then */

/**
 * The delivery log: which integration a delivery belongs to (so an organization sees its own), every
 * processing attempt, and a bounded record of rejected requests kept apart from the inbox, which holds
 * verified input only.
 */
export async function up(db: Kysely<any>, dialect: StoreDialect): Promise<void> {
  await db.schema.alterTable("webhook_deliveries").addColumn("integration_id", "integer").execute();
  await db.schema.createIndex("webhook_deliveries_integration").on("webhook_deliveries").columns(["integration_id", "received_at"]).execute();
  await db.schema
    .createTable("webhook_delivery_attempts")
    .$call((t) => autoId(t, dialect))
    .addColumn("delivery_id", "integer", (c) => c.notNull())
    .addColumn("outcome", "text", (c) => c.notNull())
    .addColumn("error", "text")
    .addColumn("finished_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("webhook_delivery_attempts_delivery").on("webhook_delivery_attempts").columns(["delivery_id", "id"]).execute();
  await db.schema
    .createTable("webhook_rejections")
    .$call((t) => autoId(t, dialect))
    .addColumn("provider", "text", (c) => c.notNull())
    .addColumn("integration_id", "integer")
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("secret_tried", "text", (c) => c.notNull())
    .addColumn("headers", "text", (c) => c.notNull())
    .addColumn("received_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("webhook_rejections_integration").on("webhook_rejections").columns(["integration_id", "received_at"]).execute();
}
