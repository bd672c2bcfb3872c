import type { Kysely } from "kysely";
import { groupCommitFor } from "./delivery-group-commit.js";
import type { Database } from "./schema.js";

export interface NewDelivery {
  provider: string;
  deliveryId: string;
  event: string;
  verifiedBy: string;
  headers: Record<string, string>;
  body: string;
  receivedAt: string;
  /** The integration it was verified for, when known. */
  integrationId?: number | null;
}

/**
 * Records a verified delivery once; returns its row id, or undefined when it was seen before.
 * Concurrent calls share one multi-row INSERT (group commit); each resolves after its batch committed.
 */
export async function recordDelivery(db: Kysely<Database>, delivery: NewDelivery): Promise<number | undefined> {
  return groupCommitFor(db).record({
    provider: delivery.provider,
    delivery_id: delivery.deliveryId,
    event: delivery.event,
    verified_by: delivery.verifiedBy,
    headers: JSON.stringify(delivery.headers),
    body: delivery.body,
    state: "received",
    attempts: 0,
    last_error: null,
    received_at: delivery.receivedAt,
    processed_at: null,
    integration_id: delivery.integrationId ?? null,
  });
}

/** A recorded delivery. */
export async function findDelivery(db: Kysely<Database>, id: number) {
  return db.selectFrom("webhook_deliveries").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Marks the outcome of one processing attempt, and logs the attempt. */
export async function markDelivery(db: Kysely<Database>, id: number, state: "processed" | "failed" | "dead", now: string, error?: string): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.insertInto("webhook_delivery_attempts").values({ delivery_id: id, outcome: state, error: error ?? null, finished_at: now }).execute();
    await tx
      .updateTable("webhook_deliveries")
      .set((eb) => ({
        state,
        attempts: eb("attempts", "+", 1),
        last_error: error ?? null,
        processed_at: state === "processed" ? now : null,
      }))
      .where("id", "=", id)
      .execute();
  });
}

/** Deliveries recorded but not processed since before `olderThan` (for the sweeper). */
export async function unprocessedDeliveries(db: Kysely<Database>, olderThan: string, limit = 100) {
  return db
    .selectFrom("webhook_deliveries")
    .select("id")
    .where("state", "in", ["received", "failed"])
    .where("received_at", "<", olderThan)
    .orderBy("id")
    .limit(limit)
    .execute();
}
