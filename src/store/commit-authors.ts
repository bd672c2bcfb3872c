import type { Kysely, Transaction } from "kysely";
import type { CommitAuthorRef } from "../domain/neutral-events.js";
import type { Database } from "./schema.js";

type Db = Kysely<Database> | Transaction<Database>;

/** Sentry keeps no author for an email longer than this. */
const MAX_EMAIL_LENGTH = 75;

/** The author holding a provider login (`github:<login>`) in an organization. */
export async function findAuthorByExternalId(db: Db, organizationId: number, externalId: string) {
  return db.selectFrom("commit_authors").selectAll().where("organization_id", "=", organizationId).where("external_id", "=", externalId).executeTakeFirst();
}

/**
 * Sentry's get-or-create of a CommitAuthor by (organization, email): the name follows the latest one seen,
 * and the provider login is attached unless the email is anonymous or another author already holds it.
 * Returns null for emails too long to keep.
 */
export async function ensureCommitAuthor(db: Db, organizationId: number, ref: CommitAuthorRef, options: { anonymous: boolean }): Promise<number | null> {
  if (ref.email.length > MAX_EMAIL_LENGTH) return null;
  await db
    .insertInto("commit_authors")
    .values({ organization_id: organizationId, email: ref.email, name: ref.name, external_id: null })
    .onConflict((oc) => oc.columns(["organization_id", "email"]).doNothing())
    .execute();
  const author = await db.selectFrom("commit_authors").selectAll().where("organization_id", "=", organizationId).where("email", "=", ref.email).executeTakeFirstOrThrow();
  const update: { name?: string; external_id?: string } = {};
  if (ref.name && author.name !== ref.name) update.name = ref.name;
  if (ref.externalId && author.external_id !== ref.externalId && !options.anonymous) {
    const holder = await findAuthorByExternalId(db, organizationId, ref.externalId);
    if (!holder) update.external_id = ref.externalId;
  }
  if (Object.keys(update).length > 0) await db.updateTable("commit_authors").set(update).where("id", "=", author.id).execute();
  return author.id;
}
