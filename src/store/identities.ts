import type { Kysely } from "kysely";
import type { Vault } from "../platform/vault/vault.js";
import type { Database } from "./schema.js";

/** A credential as the auth code sees it: secrets opened, with the version to compare-and-swap on. */
export interface StoredCredential<S> {
  id: number;
  version: number;
  status: string;
  expiresAt: number | null;
  secret: S;
}

/** Reads and opens a credential by provider and external id. */
export async function readCredential<S>(db: Kysely<Database>, vault: Vault, provider: string, externalId: string): Promise<StoredCredential<S> | undefined> {
  const row = await db
    .selectFrom("identities")
    .select(["id", "version", "status", "expires_at", "credential"])
    .where("provider", "=", provider)
    .where("external_id", "=", externalId)
    .executeTakeFirst();
  if (!row) return undefined;
  return { id: row.id, version: row.version, status: row.status, expiresAt: row.expires_at, secret: vault.openJson<S>(row.credential) };
}

/**
 * Writes new secret fields and expiry only if the row is still at `version` (D2): a writer holding
 * an outdated view (a lapsed lock, a slow refresh) can never overwrite a newer credential.
 * Creates the row when `version` is 0. Returns false when someone else wrote first.
 */
export async function writeCredential<S>(
  db: Kysely<Database>,
  vault: Vault,
  key: { provider: string; externalId: string },
  version: number,
  secret: S,
  expiresAt: number | null,
  now: string,
): Promise<boolean> {
  const sealed = vault.sealJson(secret);
  if (version === 0) {
    const result = await db
      .insertInto("identities")
      .values({
        provider: key.provider,
        external_id: key.externalId,
        user_id: null,
        credential: sealed,
        data: "{}",
        scopes: "[]",
        status: "active",
        version: 1,
        expires_at: expiresAt,
        refresh_intent_at: null,
        refresh_intent_id: null,
        last_refreshed_at: now,
        last_error: null,
        date_added: now,
        date_updated: now,
      })
      .onConflict((oc) => oc.columns(["provider", "external_id"]).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }
  const result = await db
    .updateTable("identities")
    .set({ credential: sealed, expires_at: expiresAt, version: version + 1, last_refreshed_at: now, date_updated: now, status: "active", last_error: null, refresh_intent_at: null, refresh_intent_id: null })
    .where("provider", "=", key.provider)
    .where("external_id", "=", key.externalId)
    .where("version", "=", version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows ?? 0) > 0;
}

/** Reads the refresh bookkeeping of a credential: the intent left by an unfinished refresh and the last error. */
export async function readRefreshState(db: Kysely<Database>, provider: string, externalId: string) {
  return db
    .selectFrom("identities")
    .select(["refresh_intent_at", "refresh_intent_id", "last_error", "status", "version"])
    .where("provider", "=", provider)
    .where("external_id", "=", externalId)
    .executeTakeFirst();
}

/** Records that a token-endpoint call is about to be made, so a lost answer can be detected later. */
export async function recordRefreshIntent(db: Kysely<Database>, provider: string, externalId: string, intentId: string, now: string): Promise<void> {
  await db
    .updateTable("identities")
    .set({ refresh_intent_at: now, refresh_intent_id: intentId, date_updated: now })
    .where("provider", "=", provider)
    .where("external_id", "=", externalId)
    .execute();
}

/** Clears a refresh intent once its answer is stored (or known refused). */
export async function clearRefreshIntent(db: Kysely<Database>, provider: string, externalId: string, intentId: string): Promise<void> {
  await db
    .updateTable("identities")
    .set({ refresh_intent_at: null, refresh_intent_id: null })
    .where("provider", "=", provider)
    .where("external_id", "=", externalId)
    .where("refresh_intent_id", "=", intentId)
    .execute();
}

/** Marks a credential as needing the user to authorize again; no token call is made for it after this. */
export async function markNeedsReauth(db: Kysely<Database>, provider: string, externalId: string, reason: string, now: string): Promise<void> {
  await db
    .updateTable("identities")
    .set({ status: "needs_reauth", last_error: reason, refresh_intent_at: null, refresh_intent_id: null, date_updated: now })
    .where("provider", "=", provider)
    .where("external_id", "=", externalId)
    .execute();
}
