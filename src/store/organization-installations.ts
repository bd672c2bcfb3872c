import type { Kysely, Transaction } from "kysely";
import type { Database } from "./schema.js";

type Db = Kysely<Database> | Transaction<Database>;

/** Sync settings an installation starts with: inbound and outbound on, as a person who just installed expects. */
export const DEFAULT_INSTALL_CONFIG = {
  sync_forward_assignment: true,
  sync_reverse_assignment: true,
  sync_status_forward: false,
  sync_status_reverse: false,
};

/**
 * Creates or re-enables the organization's installation of an integration, naming the identity that
 * authorized it (kept when `defaultAuthId` is undefined). The existing config survives a re-install.
 * Idempotent: a second call (a replayed callback, the webhook racing the setup page) changes nothing more.
 */
export async function ensureOrganizationInstallation(
  db: Db,
  input: { organizationId: number; integrationId: number; defaultAuthId?: number | null; config?: Record<string, unknown> },
  now: string,
): Promise<number> {
  const row = await db
    .insertInto("organization_integrations")
    .values({
      organization_id: input.organizationId,
      integration_id: input.integrationId,
      status: "active",
      config: JSON.stringify(input.config ?? DEFAULT_INSTALL_CONFIG),
      default_auth_id: input.defaultAuthId ?? null,
      date_added: now,
    })
    .onConflict((oc) =>
      oc.columns(["organization_id", "integration_id"]).doUpdateSet(input.defaultAuthId === undefined ? { status: "active" } : { status: "active", default_auth_id: input.defaultAuthId }),
    )
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Disables one organization's installation (history kept); true when it was active. */
export async function disableOrganizationInstallation(db: Db, organizationId: number, integrationId: number): Promise<boolean> {
  const result = await db
    .updateTable("organization_integrations")
    .set({ status: "disabled" })
    .where("organization_id", "=", organizationId)
    .where("integration_id", "=", integrationId)
    .where("status", "=", "active")
    .executeTakeFirst();
  return Number(result.numUpdatedRows ?? 0) > 0;
}

/** How many active organization installations an integration still has. */
export async function countActiveInstallations(db: Db, integrationId: number): Promise<number> {
  const row = await db
    .selectFrom("organization_integrations")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("integration_id", "=", integrationId)
    .where("status", "=", "active")
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Replaces an installation's sync settings (already validated). */
export async function writeInstallationConfig(db: Db, organizationId: number, integrationId: number, config: Record<string, unknown>): Promise<void> {
  await db.updateTable("organization_integrations").set({ config: JSON.stringify(config) }).where("organization_id", "=", organizationId).where("integration_id", "=", integrationId).execute();
}
