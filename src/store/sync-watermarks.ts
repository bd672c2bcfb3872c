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
  const existing = await db
    .selectFrom("sync_watermarks")
    .select(["id", "last_ordering"])
    .where("organization_id", "=", key.organizationId)
    .where("integration_id", "=", key.integrationId)
    .where("external_issue_key", "=", key.externalIssueKey)
    .where("field", "=", key.field)
    .executeTakeFirst();
  if (!existing) {
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
  if (ordering < existing.last_ordering) return false;
  await db.updateTable("sync_watermarks").set({ last_ordering: ordering, updated_at: now }).where("id", "=", existing.id).execute();
  return true;
}
