import type { Kysely, Transaction } from "kysely";
import { AppError } from "../domain/errors.js";
import type { Database } from "./schema.js";

type Db = Kysely<Database> | Transaction<Database>;

/** The oldest active user owning `email` as a verified address (case-insensitive), or undefined. */
export async function findUserByVerifiedEmail(db: Db, email: string): Promise<number | undefined> {
  const row = await db
    .selectFrom("user_emails")
    .innerJoin("users", "users.id", "user_emails.user_id")
    .select("users.id as id")
    .where((eb) => eb(eb.fn("lower", ["user_emails.email"]), "=", email.toLowerCase()))
    .where("user_emails.is_verified", "=", 1)
    .where("users.is_active", "=", 1)
    .orderBy("users.id")
    .executeTakeFirst();
  return row?.id;
}

/**
 * Creates a user named by its email, with that email verified (members are added by an administrator
 * who vouches for the address). 409 when the username is taken by another user.
 */
export async function createUserWithVerifiedEmail(db: Db, input: { email: string; name?: string }, now: string): Promise<number> {
  const clash = await db.selectFrom("users").select("id").where((eb) => eb(eb.fn("lower", ["username"]), "=", input.email.toLowerCase())).executeTakeFirst();
  if (clash) throw new AppError("conflict", "username_taken", `A user with the username ${input.email} already exists.`);
  const user = await db
    .insertInto("users")
    .values({ username: input.email, name: input.name ?? "", password_hash: null, is_active: 1, date_joined: now })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db.insertInto("user_emails").values({ user_id: user.id, email: input.email, is_verified: 1, date_added: now }).execute();
  return user.id;
}
