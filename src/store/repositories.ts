import type { Kysely } from "kysely";
import type { RepositoryRef } from "../domain/neutral-events.js";
import type { Database } from "./schema.js";

export interface KnownRepository {
  id: number;
  organizationId: number;
}

/**
 * §3.3 (later versions): the active repositories of an integration matching a provider repository, one per
 * organization that installed the integration; an organization without a row gets one created, one that
 * hid or disabled it gets none. Name and URL follow the provider's when they changed.
 */
export async function repositoriesForEvent(db: Kysely<Database>, integrationId: number, organizationIds: number[], provider: string, repo: RepositoryRef, now: string): Promise<KnownRepository[]> {
  if (organizationIds.length === 0) return [];
  const existing = await db
    .selectFrom("repositories")
    .select(["id", "organization_id", "status", "name", "url"])
    .where("organization_id", "in", organizationIds)
    .where("provider", "=", provider)
    .where("external_id", "=", repo.externalId)
    .execute();
  const missing = organizationIds.filter((orgId) => !existing.some((r) => r.organization_id === orgId));
  for (const organizationId of missing) {
    await db
      .insertInto("repositories")
      .values({ organization_id: organizationId, integration_id: integrationId, provider, external_id: repo.externalId, name: repo.name, url: repo.url, status: "active", date_added: now })
      // A concurrent delivery for the same repository may have created it first.
      .onConflict((oc) => oc.columns(["organization_id", "provider", "external_id"]).doNothing())
      .execute();
  }
  for (const row of existing) {
    if (row.status === "active" && (row.name !== repo.name || (repo.url !== null && row.url !== repo.url))) {
      await db.updateTable("repositories").set({ name: repo.name, url: repo.url ?? row.url }).where("id", "=", row.id).execute();
    }
  }
  const rows = await db
    .selectFrom("repositories")
    .select(["id", "organization_id"])
    .where("organization_id", "in", organizationIds)
    .where("provider", "=", provider)
    .where("external_id", "=", repo.externalId)
    .where("status", "=", "active")
    .execute();
  return rows.map((r) => ({ id: r.id, organizationId: r.organization_id }));
}
