import type { Kysely, Transaction } from "kysely";
import { isFeatureEnabled } from "../../domain/features.js";
import type { Database } from "../../store/schema.js";

/** §5.1's attributes and the organization-integration config key that switches each on. */
export const SYNC_CONFIG_KEYS = {
  inbound_assignee: "sync_reverse_assignment",
  outbound_assignee: "sync_forward_assignment",
  inbound_status: "sync_status_reverse",
  outbound_status: "sync_status_forward",
  comment: "sync_comments",
} as const;

export type SyncAttribute = keyof typeof SYNC_CONFIG_KEYS;

/** Whether an organization-integration's config turns `attribute` on. */
export function configAllows(configJson: string, attribute: SyncAttribute): boolean {
  try {
    const config = JSON.parse(configJson) as Record<string, unknown>;
    return config[SYNC_CONFIG_KEYS[attribute]] === true;
  } catch {
    return false;
  }
}

/**
 * §5.1 `where_should_sync`: organizations that installed the integration (active) with issue sync on
 * (D16) and the attribute's config key true; optionally limited to one organization.
 */
export async function whereShouldSync(
  db: Kysely<Database> | Transaction<Database>,
  integrationId: number,
  attribute: SyncAttribute,
  organizationId?: number,
): Promise<number[]> {
  const rows = await installedOrganizations(db, integrationId, organizationId);
  return rows.filter((r) => syncsAttribute(r, attribute)).map((r) => r.id);
}

/**
 * The organizations that installed the integration (active) and, among them, those where_should_sync names
 * for `attribute`: one read instead of two for inbound changes, which need both.
 */
export async function inboundOrganizations(
  db: Kysely<Database>,
  integrationId: number,
  attribute: SyncAttribute,
): Promise<{ installed: number[]; enabled: Set<number> }> {
  const rows = await installedOrganizations(db, integrationId);
  return { installed: rows.map((r) => r.id), enabled: new Set(rows.filter((r) => syncsAttribute(r, attribute)).map((r) => r.id)) };
}

function syncsAttribute(row: { features: string; config: string }, attribute: SyncAttribute): boolean {
  return isFeatureEnabled(row.features, "integrations-issue-sync") && configAllows(row.config, attribute);
}

// Every organization-integration row names an existing organization (foreign key), so the join drops none.
function installedOrganizations(db: Kysely<Database> | Transaction<Database>, integrationId: number, organizationId?: number) {
  let query = db
    .selectFrom("organization_integrations")
    .innerJoin("organizations", "organizations.id", "organization_integrations.organization_id")
    .select(["organizations.id as id", "organizations.features as features", "organization_integrations.config as config"])
    .where("organization_integrations.integration_id", "=", integrationId)
    .where("organization_integrations.status", "=", "active");
  if (organizationId !== undefined) query = query.where("organizations.id", "=", organizationId);
  return query.execute();
}
