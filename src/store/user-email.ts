import type { Kysely, Transaction } from "kysely";
import type { Database } from "./schema.js";

/** The user's primary email: the oldest verified one, else the oldest one; null when there is none. */
export async function primaryEmail(db: Kysely<Database> | Transaction<Database>, userId: number): Promise<string | null> {
  const row = await db
    .selectFrom("user_emails")
    .select("email")
    .where("user_id", "=", userId)
    .orderBy("is_verified", "desc")
    .orderBy("id")
    .executeTakeFirst();
  return row?.email ?? null;
}
