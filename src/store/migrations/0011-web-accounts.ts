import type { Kysely } from "kysely";
import type { StoreDialect } from "../database.js";
import { autoId } from "./columns.js";

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against the schema as it was then */

/**
 * Dashboard sessions. `users.password_hash` exists since 0001; a session is stored by the hash of its
 * cookie value and the hash of its CSRF token, so a copy of the store cannot be replayed as a login.
 */
export async function up(db: Kysely<any>, dialect: StoreDialect): Promise<void> {
  await db.schema
    .createTable("web_sessions")
    .$call((t) => autoId(t, dialect))
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("user_id", "bigint", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("csrf_hash", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("last_seen_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("web_sessions_user").on("web_sessions").column("user_id").execute();
  await db.schema.createIndex("web_sessions_expires").on("web_sessions").column("expires_at").execute();
}
