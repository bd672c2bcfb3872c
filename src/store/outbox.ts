import type { Kysely, Transaction } from "kysely";
import type { Database } from "./schema.js";

type Db = Kysely<Database> | Transaction<Database>;

/** A region outbox message (§11.3): what changed, for whom, to be relayed later. */
export interface OutboxMessage {
  shardScope: "ORGANIZATION_SCOPE" | "USER_SCOPE";
  shardIdentifier: number;
  category: "PROJECT_UPDATE" | "ORGANIZATION_UPDATE" | "TEAM_UPDATE";
  objectIdentifier: number;
  payload?: Record<string, unknown>;
}

/** Writes one outbox row; callers pass their transaction so the message commits with the change. */
export async function writeOutbox(db: Db, message: OutboxMessage, now: string): Promise<void> {
  await db
    .insertInto("outbox")
    .values({
      shard_scope: message.shardScope,
      shard_identifier: message.shardIdentifier,
      category: message.category,
      object_identifier: message.objectIdentifier,
      payload: JSON.stringify(message.payload ?? {}),
      scheduled_for: now,
      date_added: now,
    })
    .execute();
}
