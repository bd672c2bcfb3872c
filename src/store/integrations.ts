import type { Kysely, Transaction } from "kysely";
import type { Database } from "./schema.js";

type Db = Kysely<Database> | Transaction<Database>;

export interface IntegrationUpsert {
  provider: string;
  externalId: string;
  name: string;
  /** Already-sealed where it holds secrets. */
  metadata: Record<string, unknown>;
}

/**
 * Sentry's `ensure_integration`: creates the integration for (provider, external id) or updates its name
 * and metadata, and makes it active again. Returns its id.
 */
export async function upsertIntegration(db: Db, input: IntegrationUpsert, now: string): Promise<number> {
  const metadata = JSON.stringify(input.metadata);
  const row = await db
    .insertInto("integrations")
    .values({ provider: input.provider, external_id: input.externalId, name: input.name, status: "active", metadata, date_added: now, date_updated: now })
    .onConflict((oc) => oc.columns(["provider", "external_id"]).doUpdateSet({ name: input.name, metadata, status: "active", date_updated: now }))
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The integration of a provider with this external id, whatever its status. */
export async function findIntegrationByExternalId(db: Db, provider: string, externalId: string) {
  return db.selectFrom("integrations").selectAll().where("provider", "=", provider).where("external_id", "=", externalId).executeTakeFirst();
}

/**
 * Disables an integration, its organization installations and its repositories in one transaction;
 * rows are kept (history: commits, links, activity stay readable). Returns false when there is none.
 */
export async function disableIntegration(db: Kysely<Database>, provider: string, externalId: string, now: string): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const integration = await findIntegrationByExternalId(tx, provider, externalId);
    if (!integration) return false;
    await tx.updateTable("integrations").set({ status: "disabled", date_updated: now }).where("id", "=", integration.id).execute();
    await tx.updateTable("organization_integrations").set({ status: "disabled" }).where("integration_id", "=", integration.id).execute();
    await tx.updateTable("repositories").set({ status: "disabled" }).where("integration_id", "=", integration.id).execute();
    return true;
  });
}

/** Active organization installations of an active integration. */
export async function activeInstallations(db: Db, integrationId: number): Promise<Array<{ organizationId: number }>> {
  const rows = await db
    .selectFrom("organization_integrations")
    .innerJoin("integrations", "integrations.id", "organization_integrations.integration_id")
    .select("organization_integrations.organization_id as organizationId")
    .where("organization_integrations.integration_id", "=", integrationId)
    .where("organization_integrations.status", "=", "active")
    .where("integrations.status", "=", "active")
    .execute();
  return rows;
}
