import type { Kysely, Transaction } from "kysely";
import type { Database } from "./schema.js";

type Db = Kysely<Database> | Transaction<Database>;

export interface WatermarkKey {
  organizationId: number;
  integrationId: number;
  externalIssueKey: string;
  field: "assignee" | "status";
}

/**
 * Advances the watermark to `ordering` unless a newer change was already applied (D10).
 * True when this change is not older than the last applied one (equal counts: a redelivery).
 */
export async function advanceWatermark(db: Db, key: WatermarkKey, ordering: number, now: string): Promise<boolean> {
  // The common case (a newer change of a known ticket) is this one statement; only a miss needs the read.
  const advanced = await db
    .updateTable("sync_watermarks")
    .set({ last_ordering: ordering, updated_at: now })
    .where("organization_id", "=", key.organizationId)
    .where("integration_id", "=", key.integrationId)
    .where("external_issue_key", "=", key.externalIssueKey)
    .where("field", "=", key.field)
    .where("last_ordering", "<=", ordering)
    .executeTakeFirst();
  if (Number(advanced.numUpdatedRows ?? 0) > 0) return true;
  const existing = await db
    .selectFrom("sync_watermarks")
    .select("id")
    .where("organization_id", "=", key.organizationId)
    .where("integration_id", "=", key.integrationId)
    .where("external_issue_key", "=", key.externalIssueKey)
    .where("field", "=", key.field)
    .executeTakeFirst();
  // The row exists but holds a newer ordering: this change is older.
  if (existing) return false;
  await db
    .insertInto("sync_watermarks")
    .values({
      organization_id: key.organizationId,
      integration_id: key.integrationId,
      external_issue_key: key.externalIssueKey,
      field: key.field,
      last_ordering: ordering,
      updated_at: now,
    })
    .execute();
  return true;
}
