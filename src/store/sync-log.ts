import type { Kysely, Transaction } from "kysely";
import type { Database } from "./schema.js";

type Db = Kysely<Database> | Transaction<Database>;

/** Why a sync attempt on a link did or did not change anything. */
export type SyncOutcome =
  | "applied"
  | "unchanged"
  | "skipped_older"
  | "skipped_echo"
  | "user_not_found"
  | "sync_disabled"
  | "provider_error"
  | "queued";

export interface SyncLogEntry {
  organizationId: number;
  groupId: number | null;
  integrationId: number;
  externalIssueKey: string;
  direction: "inbound" | "outbound";
  field: "assignee" | "status";
  outcome: SyncOutcome;
  reason: string;
  detail?: Record<string, unknown>;
  createdAt: string;
}

/** Records one attempt, so a person can see why a link did or did not follow. */
export async function recordSyncAttempt(db: Db, entry: SyncLogEntry): Promise<void> {
  await db
    .insertInto("sync_log")
    .values({
      organization_id: entry.organizationId,
      group_id: entry.groupId,
      integration_id: entry.integrationId,
      external_issue_key: entry.externalIssueKey,
      direction: entry.direction,
      field: entry.field,
      outcome: entry.outcome,
      reason: entry.reason,
      detail: JSON.stringify(entry.detail ?? {}),
      created_at: entry.createdAt,
    })
    .execute();
}

/** A group's sync attempts with one integration, newest first. */
export async function listSyncLog(db: Db, groupId: number, integrationId: number, limit = 100) {
  const rows = await db
    .selectFrom("sync_log")
    .selectAll()
    .where("group_id", "=", groupId)
    .where("integration_id", "=", integrationId)
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    direction: r.direction,
    field: r.field,
    outcome: r.outcome,
    reason: r.reason,
    externalIssueKey: r.external_issue_key,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
    createdAt: r.created_at,
  }));
}
