import type { Kysely } from "kysely";
import type { StoreDialect } from "../database.js";
import { autoId } from "./columns.js";

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against the schema as it was then */

/** Two-way sync bookkeeping: ordering watermarks (D10), the sync log, unresolved identities, echo fingerprints. */
export async function up(db: Kysely<any>, dialect: StoreDialect): Promise<void> {

  await db.schema
    .createTable("sync_watermarks")
    .$call((t) => autoId(t, dialect))
    .addColumn("organization_id", "bigint", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("integration_id", "bigint", (c) => c.notNull().references("integrations.id").onDelete("cascade"))
    .addColumn("external_issue_key", "text", (c) => c.notNull())
    .addColumn("field", "text", (c) => c.notNull())
    .addColumn("last_ordering", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("sync_watermarks_unique", ["organization_id", "integration_id", "external_issue_key", "field"])
    .execute();

  await db.schema
    .createTable("sync_log")
    .$call((t) => autoId(t, dialect))
    .addColumn("organization_id", "bigint", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("group_id", "bigint", (c) => c.references("groups.id").onDelete("cascade"))
    .addColumn("integration_id", "bigint", (c) => c.notNull().references("integrations.id").onDelete("cascade"))
    .addColumn("external_issue_key", "text", (c) => c.notNull())
    .addColumn("direction", "text", (c) => c.notNull())
    .addColumn("field", "text", (c) => c.notNull())
    .addColumn("outcome", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("detail", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("sync_log_group_integration").on("sync_log").columns(["group_id", "integration_id", "id"]).execute();

  await db.schema
    .createTable("unresolved_identities")
    .$call((t) => autoId(t, dialect))
    .addColumn("organization_id", "bigint", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("integration_id", "bigint", (c) => c.notNull().references("integrations.id").onDelete("cascade"))
    .addColumn("provider", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("external_issue_key", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().defaultTo("pending"))
    .addColumn("occurrences", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("first_seen", "text", (c) => c.notNull())
    .addColumn("last_seen", "text", (c) => c.notNull())
    .addUniqueConstraint("unresolved_identities_unique", ["organization_id", "integration_id", "kind", "value"])
    .execute();

  await db.schema
    .createTable("sync_last_written")
    .$call((t) => autoId(t, dialect))
    .addColumn("external_issue_id", "bigint", (c) => c.notNull().references("external_issues.id").onDelete("cascade"))
    .addColumn("field", "text", (c) => c.notNull())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("written_at", "text", (c) => c.notNull())
    .addUniqueConstraint("sync_last_written_unique", ["external_issue_id", "field"])
    .execute();
}
