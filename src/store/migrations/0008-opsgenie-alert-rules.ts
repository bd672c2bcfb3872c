import type { Kysely } from "kysely";
import type { StoreDialect } from "../database.js";
import { autoId } from "./columns.js";

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against the schema as it was then */

/**
 * Project alert rules (conditions and actions as JSON, Sentry's rule shape) with their firing health, and
 * one row per (rule, group) that alerted, so resolving a group knows which alerts to acknowledge.
 * Opsgenie accounts themselves are `integrations` rows; their team tables live in the installation config.
 */
export async function up(db: Kysely<any>, dialect: StoreDialect): Promise<void> {
  await db.schema
    .createTable("alert_rules")
    .$call((t) => autoId(t, dialect))
    .addColumn("organization_id", "bigint", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("project_id", "bigint", (c) => c.notNull().references("projects.id").onDelete("cascade"))
    .addColumn("label", "text", (c) => c.notNull())
    .addColumn("action_match", "text", (c) => c.notNull().defaultTo("any"))
    .addColumn("conditions", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("actions", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("status", "text", (c) => c.notNull().defaultTo("active"))
    .addColumn("last_fired_at", "text")
    .addColumn("last_error", "text")
    .addColumn("failure_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_by", "text")
    .addColumn("date_added", "text", (c) => c.notNull())
    .addColumn("date_updated", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("alert_rules_project").on("alert_rules").columns(["project_id", "status"]).execute();

  await db.schema
    .createTable("alert_rule_fires")
    .$call((t) => autoId(t, dialect))
    .addColumn("rule_id", "bigint", (c) => c.notNull().references("alert_rules.id").onDelete("cascade"))
    .addColumn("group_id", "bigint", (c) => c.notNull().references("groups.id").onDelete("cascade"))
    .addColumn("alias", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("times_fired", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_error", "text")
    .addColumn("date_added", "text", (c) => c.notNull())
    .addColumn("date_updated", "text", (c) => c.notNull())
    .addUniqueConstraint("alert_rule_fires_rule_group", ["rule_id", "group_id"])
    .execute();
  await db.schema.createIndex("alert_rule_fires_group").on("alert_rule_fires").column("group_id").execute();
}
