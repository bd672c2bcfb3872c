import { createHash, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

/** Prefix that makes a leaked Switchboard token recognisable to secret scanners. */
export const TOKEN_PREFIX = "sbt_";

/** SHA-256 of a token: only the hash is stored, so the store never holds a usable token. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Creates an organization-scoped API token and returns it once, in clear. */
export async function createApiToken(db: Kysely<Database>, organizationId: number, name: string, now: string): Promise<{ id: number; token: string }> {
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const row = await db
    .insertInto("api_tokens")
    .values({
      organization_id: organizationId,
      name,
      token_hash: hashToken(token),
      token_last_characters: token.slice(-4),
      scopes: JSON.stringify(["org:admin"]),
      date_added: now,
      last_used: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { id: row.id, token };
}

/** The organization a token belongs to, or undefined for an unknown token. */
export async function findApiToken(db: Kysely<Database>, token: string) {
  return db.selectFrom("api_tokens").select(["id", "organization_id", "last_used"]).where("token_hash", "=", hashToken(token)).executeTakeFirst();
}

/** Records use of a token (callers throttle this). */
export async function touchApiToken(db: Kysely<Database>, id: number, now: string): Promise<void> {
  await db.updateTable("api_tokens").set({ last_used: now }).where("id", "=", id).execute();
}

/** An organization's tokens, newest first (never the token itself: only its last characters). */
export async function listApiTokens(db: Kysely<Database>, organizationId: number) {
  return db
    .selectFrom("api_tokens")
    .select(["id", "name", "token_last_characters", "scopes", "date_added", "last_used"])
    .where("organization_id", "=", organizationId)
    .orderBy("id", "desc")
    .execute();
}

/** Revokes one of an organization's tokens; false when it names none. */
export async function deleteApiToken(db: Kysely<Database>, organizationId: number, id: number): Promise<boolean> {
  const result = await db.deleteFrom("api_tokens").where("organization_id", "=", organizationId).where("id", "=", id).executeTakeFirst();
  return Number(result.numDeletedRows ?? 0) > 0;
}
