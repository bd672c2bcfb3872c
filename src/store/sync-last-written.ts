import type { Kysely, Transaction } from "kysely";
import type { Database } from "./schema.js";

type Db = Kysely<Database> | Transaction<Database>;

/** Remembers the value we last wrote to a ticket's field, to recognise the provider's echo of it. */
export async function rememberWrittenValue(db: Db, externalIssueId: number, field: string, value: string, now: string): Promise<void> {
  await db
    .insertInto("sync_last_written")
    .values({ external_issue_id: externalIssueId, field, value, written_at: now })
    .onConflict((oc) => oc.columns(["external_issue_id", "field"]).doUpdateSet({ value, written_at: now }))
    .execute();
}

/** The value we last wrote to a ticket's field, if any. */
export async function lastWrittenValue(db: Db, externalIssueId: number, field: string): Promise<string | undefined> {
  const row = await db
    .selectFrom("sync_last_written")
    .select("value")
    .where("external_issue_id", "=", externalIssueId)
    .where("field", "=", field)
    .executeTakeFirst();
  return row?.value;
}
