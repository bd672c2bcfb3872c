import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

/** One row of an account's team table (Sentry's `org_integration.config["team_table"]`); the key is vault-sealed. */
export interface OpsgenieTeamEntry {
  id: string;
  team: string;
  team_id: string;
  integration_key: string;
}

/** An Opsgenie account installed on an organization (an `integrations` row of provider `opsgenie`). */
export interface OpsgenieAccount {
  id: number;
  externalId: string;
  name: string;
  region: string | null;
  baseUrl: string | null;
  /** Vault-sealed account API key (used for team look-ups). */
  apiKey: string | null;
  status: string;
  teams: OpsgenieTeamEntry[];
  dateAdded: string;
}

export const OPSGENIE_PROVIDER = "opsgenie";

/** Creates the integration and installs it on the organization, in one transaction. */
export async function createOpsgenieAccount(
  db: Kysely<Database>,
  input: { organizationId: number; externalId: string; name: string; region: string | null; baseUrl: string | null; sealedApiKey: string },
  now: string,
): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const metadata = JSON.stringify({ region: input.region, base_url: input.baseUrl, api_key: input.sealedApiKey });
    const row = await tx
      .insertInto("integrations")
      .values({ provider: OPSGENIE_PROVIDER, external_id: input.externalId, name: input.name, status: "active", metadata, date_added: now, date_updated: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    await tx
      .insertInto("organization_integrations")
      .values({ organization_id: input.organizationId, integration_id: row.id, status: "active", config: JSON.stringify({ team_table: [] }), default_auth_id: null, date_added: now })
      .execute();
    return Number(row.id);
  });
}

function accountsQuery(db: Kysely<Database>, organizationId: number) {
  return db
    .selectFrom("organization_integrations as oi")
    .innerJoin("integrations as i", "i.id", "oi.integration_id")
    .select(["i.id", "i.external_id", "i.name", "i.metadata", "i.date_added", "oi.config", "oi.status as installStatus", "i.status as integrationStatus"])
    .where("oi.organization_id", "=", organizationId)
    .where("i.provider", "=", OPSGENIE_PROVIDER)
    .where("oi.status", "=", "active")
    .where("i.status", "=", "active");
}

type AccountRow = { id: number; external_id: string; name: string; metadata: string; date_added: string; config: string };

function toAccount(row: AccountRow): OpsgenieAccount {
  const metadata = parseObject(row.metadata);
  const config = parseObject(row.config);
  const teams = Array.isArray(config.team_table) ? (config.team_table as OpsgenieTeamEntry[]) : [];
  return {
    id: Number(row.id),
    externalId: row.external_id,
    name: row.name,
    region: typeof metadata.region === "string" ? metadata.region : null,
    baseUrl: typeof metadata.base_url === "string" ? metadata.base_url : null,
    apiKey: typeof metadata.api_key === "string" ? metadata.api_key : null,
    status: "active",
    teams,
    dateAdded: row.date_added,
  };
}

/** The organization's active Opsgenie accounts, oldest first. */
export async function listOpsgenieAccounts(db: Kysely<Database>, organizationId: number): Promise<OpsgenieAccount[]> {
  const rows = await accountsQuery(db, organizationId).orderBy("i.id").execute();
  return rows.map(toAccount);
}

/** One active account of the organization, or undefined (uninstalled, another organization's, unknown). */
export async function findOpsgenieAccount(db: Kysely<Database>, organizationId: number, integrationId: number): Promise<OpsgenieAccount | undefined> {
  const row = await accountsQuery(db, organizationId).where("i.id", "=", integrationId).executeTakeFirst();
  return row ? toAccount(row) : undefined;
}

/** Replaces the installation's team table (entries' keys already sealed); false when the account is not installed. */
export async function replaceOpsgenieTeams(db: Kysely<Database>, organizationId: number, integrationId: number, teams: OpsgenieTeamEntry[]): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom("organization_integrations")
      .select(["id", "config"])
      .where("organization_id", "=", organizationId)
      .where("integration_id", "=", integrationId)
      .where("status", "=", "active")
      .executeTakeFirst();
    if (!row) return false;
    const config = { ...parseObject(row.config), team_table: teams };
    await tx.updateTable("organization_integrations").set({ config: JSON.stringify(config) }).where("id", "=", row.id).execute();
    return true;
  });
}

/**
 * Uninstalls an account from the organization: the installation is disabled (history and rules stay
 * readable; their actions then name a removed account). The integration row is disabled when no other
 * organization still uses it. False when nothing was installed.
 */
export async function uninstallOpsgenieAccount(db: Kysely<Database>, organizationId: number, integrationId: number, now: string): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const updated = await tx
      .updateTable("organization_integrations")
      .set({ status: "disabled" })
      .where("organization_id", "=", organizationId)
      .where("integration_id", "=", integrationId)
      .where("status", "=", "active")
      .where((eb) => eb.exists(eb.selectFrom("integrations").select("id").where("id", "=", integrationId).where("provider", "=", OPSGENIE_PROVIDER)))
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows ?? 0) === 0) return false;
    const others = await tx.selectFrom("organization_integrations").select("id").where("integration_id", "=", integrationId).where("status", "=", "active").executeTakeFirst();
    if (!others) await tx.updateTable("integrations").set({ status: "disabled", date_updated: now }).where("id", "=", integrationId).execute();
    return true;
  });
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
