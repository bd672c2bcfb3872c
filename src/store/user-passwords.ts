import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

/** The login candidate for an email: an active user owning it as a verified address, with its password hash. */
export async function findLoginByEmail(db: Kysely<Database>, email: string): Promise<{ userId: number; passwordHash: string | null } | undefined> {
  const row = await db
    .selectFrom("user_emails")
    .innerJoin("users", "users.id", "user_emails.user_id")
    .select(["users.id as id", "users.password_hash as passwordHash"])
    .where((eb) => eb(eb.fn("lower", ["user_emails.email"]), "=", email.trim().toLowerCase()))
    .where("user_emails.is_verified", "=", 1)
    .where("users.is_active", "=", 1)
    .orderBy("users.id")
    .executeTakeFirst();
  return row ? { userId: row.id, passwordHash: row.passwordHash } : undefined;
}

/** Stores a user's password hash (already derived; the store never sees the password). */
export async function setPasswordHash(db: Kysely<Database>, userId: number, passwordHash: string): Promise<void> {
  await db.updateTable("users").set({ password_hash: passwordHash }).where("id", "=", userId).execute();
}

/** A signed-in user's identity and the organizations they are a member of (active ones only). */
export async function describeUser(db: Kysely<Database>, userId: number) {
  const user = await db.selectFrom("users").select(["id", "username", "name"]).where("id", "=", userId).executeTakeFirstOrThrow();
  const orgs = await db
    .selectFrom("organization_members")
    .innerJoin("organizations", "organizations.id", "organization_members.organization_id")
    .select(["organizations.id", "organizations.slug", "organizations.name", "organization_members.role", "organization_members.id as memberId"])
    .where("organization_members.user_id", "=", userId)
    .where("organizations.status", "=", "active")
    .orderBy("organizations.slug")
    .execute();
  return { user, organizations: orgs };
}
