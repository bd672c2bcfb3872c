import { sql, type Kysely } from "kysely";
import type { StoreDialect } from "../database.js";
import { autoId, type TableBuilder as Table } from "./columns.js";

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against the schema as it was then */

/** Snowflake primary key (issued by the application). */
function snowflakeId(t: Table): Table {
  return t.addColumn("id", "bigint", (c) => c.primaryKey());
}

function ref(t: Table, name: string, target: string, onDelete: "cascade" | "set null" | "restrict" = "cascade", nullable = false): Table {
  return t.addColumn(name, "bigint", (c) => {
    const col = c.references(`${target}.id`).onDelete(onDelete);
    return nullable ? col : col.notNull();
  });
}

/** Creates the domain schema (issue 2 §4), identical in both stores. */
export async function up(db: Kysely<any>, dialect: StoreDialect): Promise<void> {
  const text = (t: Table, name: string, nullable = false) => t.addColumn(name, "text", (c) => (nullable ? c : c.notNull()));
  const int = (t: Table, name: string, dflt?: number) =>
    t.addColumn(name, "integer", (c) => (dflt === undefined ? c.notNull() : c.notNull().defaultTo(dflt)));

  await db.schema
    .createTable("organizations")
    .$call(snowflakeId)
    .$call((t) => text(t, "slug"))
    .$call((t) => text(t, "name"))
    .addColumn("status", "text", (c) => c.notNull().defaultTo("active"))
    .addColumn("features", "text", (c) => c.notNull().defaultTo("{}"))
    .$call((t) => text(t, "date_added"))
    .execute();
  await db.schema.createIndex("organizations_slug_unique").on("organizations").expression(sql`lower(slug)`).unique().execute();

  await db.schema
    .createTable("users")
    .$call((t) => autoId(t, dialect))
    .$call((t) => text(t, "username"))
    .addColumn("name", "text", (c) => c.notNull().defaultTo(""))
    .$call((t) => text(t, "password_hash", true))
    .$call((t) => int(t, "is_active", 1))
    .$call((t) => text(t, "date_joined"))
    .execute();
  await db.schema.createIndex("users_username_unique").on("users").expression(sql`lower(username)`).unique().execute();

  await db.schema
    .createTable("user_emails")
    .$call((t) => autoId(t, dialect))
    .$call((t) => ref(t, "user_id", "users"))
    .$call((t) => text(t, "email"))
    .$call((t) => int(t, "is_verified", 0))
    .$call((t) => text(t, "date_added"))
    .execute();
  await db.schema.createIndex("user_emails_user_email_unique").on("user_emails").columns(["user_id", "email"]).unique().execute();
  await db.schema.createIndex("user_emails_email_lower").on("user_emails").expression(sql`lower(email)`).execute();

  await db.schema
    .createTable("organization_members")
    .$call((t) => autoId(t, dialect))
    .$call((t) => ref(t, "organization_id", "organizations"))
    .$call((t) => ref(t, "user_id", "users"))
    .addColumn("role", "text", (c) => c.notNull().defaultTo("member"))
    .$call((t) => text(t, "date_added"))
    .addUniqueConstraint("organization_members_org_user_unique", ["organization_id", "user_id"])
    .execute();

  await db.schema
    .createTable("teams")
    .$call(snowflakeId)
    .$call((t) => ref(t, "organization_id", "organizations"))
    .$call((t) => text(t, "slug"))
    .$call((t) => text(t, "name"))
    .addColumn("status", "text", (c) => c.notNull().defaultTo("active"))
    .$call((t) => text(t, "date_added"))
    .execute();
  await db.schema.createIndex("teams_org_slug_unique").on("teams").columns(["organization_id", "slug"]).unique().execute();

  await db.schema
    .createTable("team_members")
    .$call((t) => autoId(t, dialect))
    .$call((t) => ref(t, "team_id", "teams"))
    .$call((t) => ref(t, "member_id", "organization_members"))
    .$call((t) => int(t, "is_active", 1))
    .$call((t) => text(t, "date_added"))
    .addUniqueConstraint("team_members_team_member_unique", ["team_id", "member_id"])
    .execute();

  await db.schema
    .createTable("projects")
    .$call(snowflakeId)
    .$call((t) => ref(t, "organization_id", "organizations"))
    .$call((t) => text(t, "slug"))
    .$call((t) => text(t, "name"))
    .$call((t) => text(t, "platform", true))
    .addColumn("status", "text", (c) => c.notNull().defaultTo("active"))
    .$call((t) => int(t, "group_counter", 0))
    .$call((t) => text(t, "date_added"))
    .execute();
  // Slugs are unique per organization regardless of case (§11.1).
  await db.schema
    .createIndex("projects_org_slug_unique")
    .on("projects")
    .expression(sql`organization_id, lower(slug)`)
    .unique()
    .execute();

  await db.schema
    .createTable("project_teams")
    .$call((t) => autoId(t, dialect))
    .$call((t) => ref(t, "project_id", "projects"))
    .$call((t) => ref(t, "team_id", "teams"))
    .addUniqueConstraint("project_teams_unique", ["project_id", "team_id"])
    .execute();

  await db.schema
    .createTable("project_keys")
    .$call((t) => autoId(t, dialect))
    .$call((t) => ref(t, "project_id", "projects"))
    .addColumn("label", "text", (c) => c.notNull().defaultTo("Default"))
    .addColumn("public_key", "text", (c) => c.notNull().unique())
    .$call((t) => text(t, "secret_key"))
    .$call((t) => int(t, "is_active", 1))
    .$call((t) => text(t, "date_added"))
    .execute();

  await db.schema
    .createTable("groups")
    .$call((t) => autoId(t, dialect))
    .$call((t) => ref(t, "project_id", "projects"))
    .$call((t) => int(t, "short_id"))
    .$call((t) => text(t, "fingerprint_hash"))
    .$call((t) => text(t, "title"))
    .addColumn("culprit", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("message", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("level", "text", (c) => c.notNull().defaultTo("error"))
    .addColumn("status", "text", (c) => c.notNull().defaultTo("unresolved"))
    .$call((t) => text(t, "first_seen"))
    .$call((t) => text(t, "last_seen"))
    .$call((t) => int(t, "times_seen", 0))
    .$call((t) => text(t, "resolved_at", true))
    .addColumn("data", "text", (c) => c.notNull().defaultTo("{}"))
    .addUniqueConstraint("groups_project_fingerprint_unique", ["project_id", "fingerprint_hash"])
    .addUniqueConstraint("groups_project_short_id_unique", ["project_id", "short_id"])
    .execute();
  await db.schema.createIndex("groups_project_last_seen").on("groups").columns(["project_id", "last_seen"]).execute();

  await db.schema
    .createTable("events")
    .$call((t) => autoId(t, dialect))
    .$call((t) => ref(t, "project_id", "projects"))
    .$call((t) => ref(t, "group_id", "groups"))
    .$call((t) => text(t, "event_id"))
    .$call((t) => text(t, "timestamp"))
    .$call((t) => text(t, "received"))
    .$call((t) => text(t, "level"))
    .$call((t) => text(t, "message"))
    .$call((t) => text(t, "platform", true))
    .$call((t) => text(t, "data"))
    .addUniqueConstraint("events_project_event_unique", ["project_id", "event_id"])
    .execute();
  await db.schema.createIndex("events_group").on("events").column("group_id").execute();

  await db.schema
    .createTable("activity")
    .$call((t) => autoId(t, dialect))
    .$call((t) => ref(t, "project_id", "projects"))
    .$call((t) => ref(t, "group_id", "groups"))
    .$call((t) => text(t, "type"))
    .$call((t) => ref(t, "user_id", "users", "set null", true))
    .addColumn("data", "text", (c) => c.notNull().defaultTo("{}"))
    .$call((t) => text(t, "datetime"))
    .execute();
  await db.schema.createIndex("activity_group").on("activity").columns(["group_id", "id"]).execute();

  await db.schema
    .createTable("group_history")
    .$call((t) => autoId(t, dialect))
    .$call((t) => ref(t, "organization_id", "organizations"))
    .$call((t) => ref(t, "project_id", "projects"))
    .$call((t) => ref(t, "group_id", "groups"))
    .$call((t) => text(t, "status"))
    .$call((t) => ref(t, "user_id", "users", "set null", true))
    .$call((t) => ref(t, "team_id", "teams", "set null", true))
    .$call((t) => text(t, "date_added"))
    .execute();
  await db.schema.createIndex("group_history_group").on("group_history").column("group_id").execute();

  await db.schema
    .createTable("group_subscriptions")
    .$call((t) => autoId(t, dialect))
    .$call((t) => ref(t, "project_id", "projects"))
    .$call((t) => ref(t, "group_id", "groups"))
    .$call((t) => ref(t, "user_id", "users", "cascade", true))
    .$call((t) => ref(t, "team_id", "teams", "cascade", true))
    .$call((t) => int(t, "is_active", 1))
    .$call((t) => text(t, "reason"))
    .$call((t) => text(t, "date_added"))
    .addCheckConstraint("group_subscriptions_one_actor", sql`(user_id IS NULL) <> (team_id IS NULL)`)
    .addUniqueConstraint("group_subscriptions_group_user_unique", ["group_id", "user_id"])
    .addUniqueConstraint("group_subscriptions_group_team_unique", ["group_id", "team_id"])
    .execute();

  await db.schema
    .createTable("notification_settings")
    .$call((t) => autoId(t, dialect))
    .$call((t) => text(t, "scope_type"))
    .addColumn("scope_identifier", "bigint", (c) => c.notNull())
    .$call((t) => ref(t, "user_id", "users", "cascade", true))
    .$call((t) => ref(t, "team_id", "teams", "cascade", true))
    .$call((t) => text(t, "type"))
    .$call((t) => text(t, "value"))
    .$call((t) => text(t, "date_added"))
    .execute();
  await db.schema
    .createIndex("notification_settings_scope")
    .on("notification_settings")
    .columns(["scope_type", "scope_identifier"])
    .execute();

  await db.schema
    .createTable("outbox")
    .$call((t) => autoId(t, dialect))
    .$call((t) => text(t, "shard_scope"))
    .addColumn("shard_identifier", "bigint", (c) => c.notNull())
    .$call((t) => text(t, "category"))
    .addColumn("object_identifier", "bigint", (c) => c.notNull())
    .addColumn("payload", "text", (c) => c.notNull().defaultTo("{}"))
    .$call((t) => text(t, "scheduled_for"))
    .$call((t) => text(t, "date_added"))
    .execute();

  await db.schema
    .createTable("integrations")
    .$call((t) => autoId(t, dialect))
    .$call((t) => text(t, "provider"))
    .$call((t) => text(t, "external_id"))
    .$call((t) => text(t, "name"))
    .addColumn("status", "text", (c) => c.notNull().defaultTo("active"))
    .addColumn("metadata", "text", (c) => c.notNull().defaultTo("{}"))
    .$call((t) => text(t, "date_added"))
    .$call((t) => text(t, "date_updated"))
    .addUniqueConstraint("integrations_provider_external_unique", ["provider", "external_id"])
    .execute();

  await db.schema
    .createTable("identities")
    .$call((t) => autoId(t, dialect))
    .$call((t) => text(t, "provider"))
    .$call((t) => text(t, "external_id"))
    .$call((t) => ref(t, "user_id", "users", "set null", true))
    .$call((t) => text(t, "credential"))
    .addColumn("data", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("scopes", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("status", "text", (c) => c.notNull().defaultTo("active"))
    .$call((t) => int(t, "version", 1))
    .addColumn("expires_at", "bigint")
    .$call((t) => text(t, "refresh_intent_at", true))
    .$call((t) => text(t, "refresh_intent_id", true))
    .$call((t) => text(t, "last_refreshed_at", true))
    .$call((t) => text(t, "last_error", true))
    .$call((t) => text(t, "date_added"))
    .$call((t) => text(t, "date_updated"))
    .addUniqueConstraint("identities_provider_external_unique", ["provider", "external_id"])
    .execute();

  await db.schema
    .createTable("organization_integrations")
    .$call((t) => autoId(t, dialect))
    .$call((t) => ref(t, "organization_id", "organizations"))
    .$call((t) => ref(t, "integration_id", "integrations"))
    .addColumn("status", "text", (c) => c.notNull().defaultTo("active"))
    .addColumn("config", "text", (c) => c.notNull().defaultTo("{}"))
    .$call((t) => ref(t, "default_auth_id", "identities", "set null", true))
    .$call((t) => text(t, "date_added"))
    .addUniqueConstraint("organization_integrations_unique", ["organization_id", "integration_id"])
    .execute();

  await db.schema
    .createTable("external_issues")
    .$call((t) => autoId(t, dialect))
    .$call((t) => ref(t, "organization_id", "organizations"))
    .$call((t) => ref(t, "integration_id", "integrations"))
    .$call((t) => text(t, "key"))
    .$call((t) => text(t, "title", true))
    .$call((t) => text(t, "description", true))
    .addColumn("metadata", "text", (c) => c.notNull().defaultTo("{}"))
    .$call((t) => text(t, "date_added"))
    .addUniqueConstraint("external_issues_unique", ["organization_id", "integration_id", "key"])
    .execute();
  await db.schema.createIndex("external_issues_integration_key").on("external_issues").columns(["integration_id", "key"]).execute();

  await db.schema
    .createTable("group_links")
    .$call((t) => autoId(t, dialect))
    .$call((t) => ref(t, "group_id", "groups"))
    .$call((t) => ref(t, "project_id", "projects"))
    .addColumn("linked_type", "text", (c) => c.notNull().defaultTo("issue"))
    .addColumn("linked_id", "bigint", (c) => c.notNull())
    .addColumn("relationship", "text", (c) => c.notNull().defaultTo("references"))
    .addColumn("data", "text", (c) => c.notNull().defaultTo("{}"))
    .$call((t) => text(t, "datetime"))
    .addUniqueConstraint("group_links_unique", ["group_id", "linked_type", "linked_id"])
    .execute();
  await db.schema.createIndex("group_links_linked").on("group_links").columns(["linked_type", "linked_id"]).execute();

  await db.schema
    .createTable("group_assignees")
    .$call((t) => autoId(t, dialect))
    .$call((t) => ref(t, "project_id", "projects"))
    .addColumn("group_id", "bigint", (c) => c.notNull().unique().references("groups.id").onDelete("cascade"))
    .$call((t) => ref(t, "user_id", "users", "cascade", true))
    .$call((t) => ref(t, "team_id", "teams", "cascade", true))
    .$call((t) => text(t, "date_added"))
    // Exactly one of user or team (§6: "Must have Team or User, not both"), enforced by the store.
    .addCheckConstraint("group_assignees_one_actor", sql`(user_id IS NULL) <> (team_id IS NULL)`)
    .execute();

  await db.schema
    .createTable("external_actors")
    .$call((t) => autoId(t, dialect))
    .$call((t) => ref(t, "organization_id", "organizations"))
    .$call((t) => ref(t, "integration_id", "integrations"))
    .$call((t) => text(t, "provider"))
    .$call((t) => text(t, "external_name"))
    .$call((t) => text(t, "external_id", true))
    .$call((t) => ref(t, "user_id", "users", "cascade", true))
    .$call((t) => ref(t, "team_id", "teams", "cascade", true))
    .$call((t) => text(t, "date_added"))
    .addCheckConstraint("external_actors_one_actor", sql`(user_id IS NULL) <> (team_id IS NULL)`)
    .execute();
  await db.schema
    .createIndex("external_actors_user_unique")
    .on("external_actors")
    .columns(["organization_id", "provider", "external_name", "user_id"])
    .unique()
    .execute();
  await db.schema
    .createIndex("external_actors_team_unique")
    .on("external_actors")
    .columns(["organization_id", "provider", "external_name", "team_id"])
    .unique()
    .execute();

  await db.schema
    .createTable("repositories")
    .$call((t) => autoId(t, dialect))
    .$call((t) => ref(t, "organization_id", "organizations"))
    .$call((t) => ref(t, "integration_id", "integrations", "set null", true))
    .$call((t) => text(t, "provider"))
    .$call((t) => text(t, "external_id"))
    .$call((t) => text(t, "name"))
    .$call((t) => text(t, "url", true))
    .addColumn("status", "text", (c) => c.notNull().defaultTo("active"))
    .$call((t) => text(t, "date_added"))
    .addUniqueConstraint("repositories_unique", ["organization_id", "provider", "external_id"])
    .execute();

  await db.schema
    .createTable("commit_authors")
    .$call((t) => autoId(t, dialect))
    .$call((t) => ref(t, "organization_id", "organizations"))
    .$call((t) => text(t, "name", true))
    .$call((t) => text(t, "email"))
    .$call((t) => text(t, "external_id", true))
    .addUniqueConstraint("commit_authors_email_unique", ["organization_id", "email"])
    .addUniqueConstraint("commit_authors_external_unique", ["organization_id", "external_id"])
    .execute();

  await db.schema
    .createTable("commits")
    .$call((t) => autoId(t, dialect))
    .$call((t) => ref(t, "organization_id", "organizations"))
    .$call((t) => ref(t, "repository_id", "repositories"))
    .$call((t) => text(t, "key"))
    .$call((t) => ref(t, "author_id", "commit_authors", "set null", true))
    .$call((t) => text(t, "message", true))
    .$call((t) => text(t, "date_added"))
    .addUniqueConstraint("commits_repository_key_unique", ["repository_id", "key"])
    .execute();

  await db.schema
    .createTable("commit_file_changes")
    .$call((t) => autoId(t, dialect))
    .$call((t) => ref(t, "organization_id", "organizations"))
    .$call((t) => ref(t, "commit_id", "commits"))
    .$call((t) => text(t, "filename"))
    .$call((t) => text(t, "type"))
    .addUniqueConstraint("commit_file_changes_unique", ["commit_id", "filename"])
    .execute();

  await db.schema
    .createTable("pull_requests")
    .$call((t) => autoId(t, dialect))
    .$call((t) => ref(t, "organization_id", "organizations"))
    .$call((t) => ref(t, "repository_id", "repositories"))
    .$call((t) => text(t, "key"))
    .$call((t) => text(t, "title", true))
    .$call((t) => text(t, "message", true))
    .$call((t) => ref(t, "author_id", "commit_authors", "set null", true))
    .$call((t) => text(t, "merge_commit_sha", true))
    .$call((t) => text(t, "date_added"))
    .addUniqueConstraint("pull_requests_repository_key_unique", ["repository_id", "key"])
    .execute();

  await db.schema
    .createTable("api_tokens")
    .$call((t) => autoId(t, dialect))
    .$call((t) => ref(t, "organization_id", "organizations"))
    .addColumn("name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .$call((t) => text(t, "token_last_characters"))
    .addColumn("scopes", "text", (c) => c.notNull().defaultTo("[]"))
    .$call((t) => text(t, "date_added"))
    .$call((t) => text(t, "last_used", true))
    .execute();

  await db.schema
    .createTable("queue_jobs")
    .$call((t) => autoId(t, dialect))
    .$call((t) => text(t, "queue"))
    .$call((t) => text(t, "name"))
    .$call((t) => text(t, "payload"))
    .addColumn("state", "text", (c) => c.notNull().defaultTo("waiting"))
    .$call((t) => int(t, "attempts", 0))
    .$call((t) => int(t, "max_attempts", 5))
    .$call((t) => int(t, "backoff_ms", 1000))
    .addColumn("run_at", "bigint", (c) => c.notNull())
    .addColumn("locked_until", "bigint")
    .$call((t) => text(t, "locked_by", true))
    .$call((t) => text(t, "dedupe_key", true))
    .$call((t) => text(t, "last_error", true))
    .$call((t) => text(t, "created_at"))
    .$call((t) => text(t, "updated_at"))
    .execute();
  await db.schema.createIndex("queue_jobs_due").on("queue_jobs").columns(["queue", "state", "run_at"]).execute();
  await db.schema.createIndex("queue_jobs_dedupe_unique").on("queue_jobs").columns(["queue", "dedupe_key"]).unique().execute();
}
