import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

/** How many rejected requests are kept; older ones are pruned as new ones arrive. */
export const REJECTIONS_KEPT = 10_000;

export interface NewRejection {
  provider: string;
  integrationId: number | null;
  reason: string;
  secretTried: string;
  headers: Record<string, string>;
  receivedAt: string;
}

/** Records a refused webhook request and prunes the table back to its bound every 100 rows. */
export async function recordRejection(db: Kysely<Database>, rejection: NewRejection): Promise<void> {
  const row = await db
    .insertInto("webhook_rejections")
    .values({
      provider: rejection.provider,
      integration_id: rejection.integrationId,
      reason: rejection.reason,
      secret_tried: rejection.secretTried,
      headers: JSON.stringify(rejection.headers),
      received_at: rejection.receivedAt,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  if (row.id % 100 === 0) await db.deleteFrom("webhook_rejections").where("id", "<=", row.id - REJECTIONS_KEPT).execute();
}
