import type { Kysely, Transaction } from "kysely";
import type { Database } from "./schema.js";

type Db = Kysely<Database> | Transaction<Database>;

export interface UnresolvedIdentity {
  organizationId: number;
  integrationId: number;
  provider: string;
  /** email: no member with that verified email; external_actor: unknown login; missing_email: the provider hid it. */
  kind: "email" | "external_actor" | "missing_email";
  value: string;
  externalIssueKey: string;
}

/** Queues an identity an admin must map; repeated sightings bump its count and latest ticket. */
export async function recordUnresolvedIdentity(db: Db, identity: UnresolvedIdentity, now: string): Promise<void> {
  await db
    .insertInto("unresolved_identities")
    .values({
      organization_id: identity.organizationId,
      integration_id: identity.integrationId,
      provider: identity.provider,
      kind: identity.kind,
      value: identity.value,
      external_issue_key: identity.externalIssueKey,
      status: "pending",
      occurrences: 1,
      first_seen: now,
      last_seen: now,
    })
    .onConflict((oc) =>
      oc.columns(["organization_id", "integration_id", "kind", "value"]).doUpdateSet((eb) => ({
        occurrences: eb("unresolved_identities.occurrences", "+", 1),
        last_seen: now,
        external_issue_key: identity.externalIssueKey,
        status: "pending",
      })),
    )
    .execute();
}

/** Pending identities of an organization, most recently seen first. */
export async function listUnresolvedIdentities(db: Db, organizationId: number) {
  return db
    .selectFrom("unresolved_identities")
    .selectAll()
    .where("organization_id", "=", organizationId)
    .where("status", "=", "pending")
    .orderBy("last_seen", "desc")
    .orderBy("id", "desc")
    .execute();
}

/** Marks identities resolved once mapped; returns the rows whose pending change should now apply. */
export async function resolveUnresolvedIdentities(db: Db, organizationId: number, integrationId: number, kind: string, value: string) {
  const rows = await db
    .selectFrom("unresolved_identities")
    .selectAll()
    .where("organization_id", "=", organizationId)
    .where("integration_id", "=", integrationId)
    .where("kind", "=", kind)
    .where((eb) => eb.fn("lower", ["value"]), "=", value.toLowerCase())
    .where("status", "=", "pending")
    .execute();
  if (rows.length) {
    await db.updateTable("unresolved_identities").set({ status: "resolved" }).where("id", "in", rows.map((r) => r.id)).execute();
  }
  return rows;
}
