import { sql, type Kysely } from "kysely";
import type { AuthFailureClass } from "../auth/auth-failure-class.js";
import type { Database } from "./schema.js";

/** One class of failures of one credential. */
export interface AuthFailureCount {
  failureClass: string;
  count: number;
  firstAt: string;
  lastAt: string;
  lastMessage: string | null;
}

/** Counts one authorization failure of a credential in its class (an upsert: one row per class). */
export async function recordAuthFailure(
  db: Kysely<Database>,
  key: { provider: string; externalId: string },
  failureClass: AuthFailureClass,
  message: string,
  now: string,
): Promise<void> {
  const lastMessage = message.slice(0, 500);
  await db
    .insertInto("auth_failures")
    .values({ provider: key.provider, external_id: key.externalId, failure_class: failureClass, count: 1, first_at: now, last_at: now, last_message: lastMessage })
    .onConflict((oc) =>
      oc.columns(["provider", "external_id", "failure_class"]).doUpdateSet({ count: sql`auth_failures.count + 1`, last_at: now, last_message: lastMessage }),
    )
    .execute();
}

/** Every class a credential has failed with, most recent first. */
export async function listAuthFailures(db: Kysely<Database>, provider: string, externalId: string): Promise<AuthFailureCount[]> {
  const rows = await db
    .selectFrom("auth_failures")
    .select(["failure_class", "count", "first_at", "last_at", "last_message"])
    .where("provider", "=", provider)
    .where("external_id", "=", externalId)
    .orderBy("last_at", "desc")
    .execute();
  return rows.map((r) => ({ failureClass: r.failure_class, count: Number(r.count), firstAt: r.first_at, lastAt: r.last_at, lastMessage: r.last_message }));
}
