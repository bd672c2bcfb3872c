import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

/** The bookkeeping of a credential (never its secret). */
export async function credentialBookkeeping(db: Kysely<Database>, where: { id: number } | { provider: string; externalId: string }) {
  let query = db.selectFrom("identities").select(["id", "provider", "external_id", "status", "expires_at", "last_refreshed_at", "last_error", "refresh_intent_at", "scopes", "date_added"]);
  query = "id" in where ? query.where("id", "=", where.id) : query.where("provider", "=", where.provider).where("external_id", "=", where.externalId);
  return query.executeTakeFirst();
}

/** The newest verified delivery of an integration. */
export async function lastDelivery(db: Kysely<Database>, integrationId: number) {
  return db
    .selectFrom("webhook_deliveries")
    .select(["event", "state", "verified_by", "received_at", "last_error"])
    .where("integration_id", "=", integrationId)
    .orderBy("received_at", "desc")
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
}

/** The newest request refused for an integration (wrong signature, secret or token). */
export async function lastRejection(db: Kysely<Database>, integrationId: number) {
  return db
    .selectFrom("webhook_rejections")
    .select(["reason", "secret_tried", "received_at"])
    .where("integration_id", "=", integrationId)
    .orderBy("received_at", "desc")
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
}

/** Integrations an organization has installed (active or not), with the installation row. */
export async function organizationIntegrations(db: Kysely<Database>, organizationId: number, integrationId?: number) {
  let query = db
    .selectFrom("organization_integrations as oi")
    .innerJoin("integrations as i", "i.id", "oi.integration_id")
    .select([
      "i.id",
      "i.provider",
      "i.external_id as externalId",
      "i.name",
      "i.status as integrationStatus",
      "i.metadata",
      "oi.status as installationStatus",
      "oi.config",
      "oi.default_auth_id as defaultAuthId",
      "oi.date_added as installedAt",
    ])
    .where("oi.organization_id", "=", organizationId);
  if (integrationId !== undefined) query = query.where("i.id", "=", integrationId);
  return query.orderBy("oi.id").execute();
}

export type OrganizationIntegrationRow = Awaited<ReturnType<typeof organizationIntegrations>>[number];
