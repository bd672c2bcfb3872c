import { sql, type Kysely } from "kysely";
import type { Database } from "./schema.js";

/** Where the next page starts: the last item's time, kind (1 delivery, 0 rejection) and row id. */
export interface LogCursor {
  receivedAt: string;
  kind: 0 | 1;
  id: number;
}

export interface LogFilter {
  organizationId: number;
  provider?: string | undefined;
  /** A delivery state, or `rejected` for refused requests only. */
  state?: string | undefined;
  cursor?: LogCursor | undefined;
  limit: number;
}

const DELIVERY = 1;
const REJECTION = 0;

/** The integrations installed on an organization: the deliveries it may see are theirs. */
function integrationsOf(db: Kysely<Database>, organizationId: number) {
  return db.selectFrom("organization_integrations").select("integration_id").where("organization_id", "=", organizationId);
}

export type LogEntry =
  | { kind: "delivery"; row: Awaited<ReturnType<typeof selectDeliveries>>[number] }
  | { kind: "rejection"; row: Awaited<ReturnType<typeof selectRejections>>[number] };

function selectDeliveries(db: Kysely<Database>, filter: LogFilter) {
  const cursor = filter.cursor;
  return db
    .selectFrom("webhook_deliveries")
    .select(["id", "provider", "event", "delivery_id", "state", "verified_by", "received_at", "processed_at", "attempts", "last_error", "integration_id"])
    .where("integration_id", "in", integrationsOf(db, filter.organizationId))
    .$if(filter.provider !== undefined, (q) => q.where("provider", "=", filter.provider as string))
    .$if(filter.state !== undefined, (q) => q.where("state", "=", filter.state as string))
    .$if(cursor !== undefined, (q) =>
      q.where((eb) => {
        const c = cursor as LogCursor;
        const sameTime = DELIVERY < c.kind ? sql<boolean>`1 = 1` : DELIVERY === c.kind ? eb("id", "<", c.id) : sql<boolean>`1 = 0`;
        return eb.or([eb("received_at", "<", c.receivedAt), eb.and([eb("received_at", "=", c.receivedAt), sameTime])]);
      }),
    )
    .orderBy("received_at", "desc")
    .orderBy("id", "desc")
    .limit(filter.limit + 1)
    .execute();
}

function selectRejections(db: Kysely<Database>, filter: LogFilter) {
  const cursor = filter.cursor;
  return db
    .selectFrom("webhook_rejections")
    .selectAll()
    .where("integration_id", "in", integrationsOf(db, filter.organizationId))
    .$if(filter.provider !== undefined, (q) => q.where("provider", "=", filter.provider as string))
    .$if(cursor !== undefined, (q) =>
      q.where((eb) => {
        const c = cursor as LogCursor;
        const sameTime = REJECTION < c.kind ? sql<boolean>`1 = 1` : REJECTION === c.kind ? eb("id", "<", c.id) : sql<boolean>`1 = 0`;
        return eb.or([eb("received_at", "<", c.receivedAt), eb.and([eb("received_at", "=", c.receivedAt), sameTime])]);
      }),
    )
    .orderBy("received_at", "desc")
    .orderBy("id", "desc")
    .limit(filter.limit + 1)
    .execute();
}

/**
 * One page of an organization's delivery log, newest first: recorded deliveries and refused requests
 * merged (`state: rejected` for the latter only), keyset-paginated so pages never shift under a writer.
 */
export async function listDeliveryLog(db: Kysely<Database>, filter: LogFilter): Promise<{ entries: LogEntry[]; next: LogCursor | undefined }> {
  const wantDeliveries = filter.state !== "rejected";
  const wantRejections = filter.state === undefined || filter.state === "rejected";
  const deliveryFilter = { ...filter, state: filter.state === "rejected" ? undefined : filter.state };
  const [deliveries, rejections] = await Promise.all([
    wantDeliveries ? selectDeliveries(db, deliveryFilter) : [],
    wantRejections ? selectRejections(db, filter) : [],
  ]);
  const merged: LogEntry[] = [
    ...deliveries.map((row) => ({ kind: "delivery" as const, row })),
    ...rejections.map((row) => ({ kind: "rejection" as const, row })),
  ].sort((a, b) => {
    if (a.row.received_at !== b.row.received_at) return a.row.received_at < b.row.received_at ? 1 : -1;
    if (a.kind !== b.kind) return a.kind === "delivery" ? -1 : 1;
    return b.row.id - a.row.id;
  });
  const entries = merged.slice(0, filter.limit);
  const last = entries.at(-1);
  const next = merged.length > filter.limit && last ? { receivedAt: last.row.received_at, kind: last.kind === "delivery" ? 1 : 0, id: last.row.id } as LogCursor : undefined;
  return { entries, next };
}

/** A delivery, if it belongs to one of the organization's integrations. */
export async function findOrganizationDelivery(db: Kysely<Database>, organizationId: number, id: number) {
  return db
    .selectFrom("webhook_deliveries")
    .selectAll()
    .where("id", "=", id)
    .where("integration_id", "in", integrationsOf(db, organizationId))
    .executeTakeFirst();
}

/** A refused request, if it was attributed to one of the organization's integrations. */
export async function findOrganizationRejection(db: Kysely<Database>, organizationId: number, id: number) {
  return db
    .selectFrom("webhook_rejections")
    .selectAll()
    .where("id", "=", id)
    .where("integration_id", "in", integrationsOf(db, organizationId))
    .executeTakeFirst();
}

/** Every processing attempt of a delivery, oldest first. */
export async function deliveryAttempts(db: Kysely<Database>, deliveryId: number) {
  return db.selectFrom("webhook_delivery_attempts").select(["outcome", "error", "finished_at"]).where("delivery_id", "=", deliveryId).orderBy("id").execute();
}

/** Puts a delivery back to `received` so the dispatcher processes it again. */
export async function resetDeliveryForReplay(db: Kysely<Database>, id: number): Promise<void> {
  await db.updateTable("webhook_deliveries").set({ state: "received", last_error: null, processed_at: null }).where("id", "=", id).execute();
}

/** Counts per minute (UTC, `YYYY-MM-DDTHH:MM`), provider and outcome since `since` for an organization. */
export async function deliveryCountsByMinute(db: Kysely<Database>, organizationId: number, since: string) {
  const minute = sql<string>`substr(received_at, 1, 16)`;
  const [deliveries, rejections] = await Promise.all([
    db
      .selectFrom("webhook_deliveries")
      .select([minute.as("minute"), "provider", "state as outcome", (eb) => eb.fn.countAll<number | string>().as("count")])
      .where("integration_id", "in", integrationsOf(db, organizationId))
      .where("received_at", ">=", since)
      .groupBy([minute, "provider", "state"])
      .execute(),
    db
      .selectFrom("webhook_rejections")
      .select([minute.as("minute"), "provider", sql<string>`'rejected'`.as("outcome"), (eb) => eb.fn.countAll<number | string>().as("count")])
      .where("integration_id", "in", integrationsOf(db, organizationId))
      .where("received_at", ">=", since)
      .groupBy([minute, "provider"])
      .execute(),
  ]);
  return [...deliveries, ...rejections].map((r) => ({ minute: r.minute, provider: r.provider, outcome: r.outcome, count: Number(r.count) }));
}
