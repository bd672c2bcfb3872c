import type { Kysely } from "kysely";
import type { Database } from "./schema.js";
import { hashToken } from "./api-tokens.js";

/** A live dashboard session and the user it belongs to. */
export interface WebSession {
  id: number;
  userId: number;
  csrfHash: string;
  expiresAt: string;
  lastSeenAt: string;
}

/** Records a session by the hashes of its cookie value and CSRF token. */
export async function createWebSession(
  db: Kysely<Database>,
  input: { token: string; csrfToken: string; userId: number; now: string; expiresAt: string },
): Promise<number> {
  const row = await db
    .insertInto("web_sessions")
    .values({
      token_hash: hashToken(input.token),
      user_id: input.userId,
      csrf_hash: hashToken(input.csrfToken),
      created_at: input.now,
      last_seen_at: input.now,
      expires_at: input.expiresAt,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The unexpired session whose cookie value is `token`, for an active user; undefined otherwise. */
export async function findWebSession(db: Kysely<Database>, token: string, now: string): Promise<WebSession | undefined> {
  const row = await db
    .selectFrom("web_sessions")
    .innerJoin("users", "users.id", "web_sessions.user_id")
    .select(["web_sessions.id", "web_sessions.user_id", "web_sessions.csrf_hash", "web_sessions.expires_at", "web_sessions.last_seen_at"])
    .where("web_sessions.token_hash", "=", hashToken(token))
    .where("web_sessions.expires_at", ">", now)
    .where("users.is_active", "=", 1)
    .executeTakeFirst();
  if (!row) return undefined;
  return { id: row.id, userId: row.user_id, csrfHash: row.csrf_hash, expiresAt: row.expires_at, lastSeenAt: row.last_seen_at };
}

/** Slides a session's idle expiry forward (callers throttle this). */
export async function touchWebSession(db: Kysely<Database>, id: number, now: string, expiresAt: string): Promise<void> {
  await db.updateTable("web_sessions").set({ last_seen_at: now, expires_at: expiresAt }).where("id", "=", id).execute();
}

/** Ends a session (logout); a no-op for an unknown token. */
export async function deleteWebSession(db: Kysely<Database>, token: string): Promise<void> {
  await db.deleteFrom("web_sessions").where("token_hash", "=", hashToken(token)).execute();
}

/** Ends every session of a user (after a password change), and the expired ones of everybody. */
export async function deleteUserWebSessions(db: Kysely<Database>, userId: number, now: string): Promise<void> {
  await db.deleteFrom("web_sessions").where((eb) => eb.or([eb("user_id", "=", userId), eb("expires_at", "<=", now)])).execute();
}
