import type { Transaction } from "kysely";
import type { NormalizedEvent } from "../domain/event-manager.js";
import type { GroupingResult } from "../domain/grouping.js";
import { recordActivity } from "./activity.js";
import type { Store } from "./database.js";
import { findEventGroup, insertEventOnce } from "./events.js";
import { recordGroupHistory } from "./group-history.js";
import type { Database } from "./schema.js";

/** What saving an event did to its group. */
export interface IngestOutcome {
  eventId: string;
  groupId: number;
  projectId: number;
  isNew: boolean;
  isRegression: boolean;
  /** The same event id was already stored for the project: nothing was written. */
  duplicate: boolean;
}

/** One event to save: normalized, grouped, with the organization for group history. */
export interface IngestInput {
  organizationId: number;
  event: NormalizedEvent;
  grouping: GroupingResult;
  now: string;
}

/** Thrown inside the transaction to roll it back when a concurrent save stored the same event id first. */
class DuplicateEvent extends Error {}

export const later = (a: string, b: string) => (a >= b ? a : b);
export const earlier = (a: string, b: string) => (a <= b ? a : b);

/**
 * Saves a normalized, grouped event in one transaction: upserts the group by (project, fingerprint hash),
 * numbering new groups from the project's counter, counts the event once per event id, and regresses a
 * resolved group. Race-safe: PostgreSQL locks the group row (or the project row while creating a group);
 * SQLite transactions are serialized on the single connection.
 */
export async function ingestEvent(store: Store, input: IngestInput): Promise<IngestOutcome> {
  const { event, grouping, organizationId, now } = input;
  const projectId = event.project;
  const lock = store.dialect === "postgres";
  try {
    return await store.db.transaction().execute(async (trx) => {
      const existingGroup = await findEventGroup(trx, projectId, event.event_id);
      if (existingGroup !== undefined) return duplicate(event, existingGroup);

      let found = await selectGroup(trx, projectId, grouping.hash, lock);
      let isNew = false;
      let isRegression = false;
      let groupId: number;
      if (!found && lock) {
        // Serialize group creation per project: the second creator waits here, then sees the first's group.
        // NO KEY UPDATE, not UPDATE: the FK checks of concurrent event inserts take KEY SHARE on this row.
        await trx.selectFrom("projects").select("id").where("id", "=", projectId).forNoKeyUpdate().executeTakeFirst();
        found = await selectGroup(trx, projectId, grouping.hash, lock);
      }
      if (found) {
        groupId = found.id;
        isRegression = found.status === "resolved";
        await trx
          .updateTable("groups")
          .set((eb) => ({
            times_seen: eb("times_seen", "+", 1),
            last_seen: later(found!.last_seen, event.timestamp),
            first_seen: earlier(found!.first_seen, event.timestamp),
            title: grouping.title,
            culprit: grouping.culprit,
            message: searchMessage(event, grouping),
            level: event.level,
            ...(isRegression ? { status: "unresolved", resolved_at: null } : {}),
          }))
          .where("id", "=", groupId)
          .execute();
      } else {
        isNew = true;
        const counter = await trx
          .updateTable("projects")
          .set((eb) => ({ group_counter: eb("group_counter", "+", 1) }))
          .where("id", "=", projectId)
          .returning("group_counter")
          .executeTakeFirstOrThrow();
        const inserted = await trx
          .insertInto("groups")
          .values({
            project_id: projectId,
            short_id: counter.group_counter,
            fingerprint_hash: grouping.hash,
            title: grouping.title,
            culprit: grouping.culprit,
            message: searchMessage(event, grouping),
            level: event.level,
            status: "unresolved",
            first_seen: event.timestamp,
            last_seen: event.timestamp,
            times_seen: 1,
            resolved_at: null,
            data: JSON.stringify({ grouping: grouping.method, platform: event.platform }),
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        groupId = inserted.id;
      }

      const eventRow = await insertEventOnce(trx, groupId, event);
      if (eventRow === undefined) throw new DuplicateEvent();

      if (isNew) await recordActivity(trx, { projectId, groupId, type: "first_seen", data: { event_id: event.event_id }, datetime: now });
      if (isRegression) {
        await recordActivity(trx, { projectId, groupId, type: "set_regression", data: { event_id: event.event_id }, datetime: now });
        await recordGroupHistory(trx, { organizationId, projectId, groupId, status: "regressed", dateAdded: now });
      }
      return { eventId: event.event_id, groupId, projectId, isNew, isRegression, duplicate: false };
    });
  } catch (error) {
    if (!(error instanceof DuplicateEvent)) throw error;
    const groupId = await findEventGroup(store.db, projectId, event.event_id);
    return duplicate(event, groupId ?? 0);
  }
}

export function duplicate(event: NormalizedEvent, groupId: number): IngestOutcome {
  return { eventId: event.event_id, groupId, projectId: event.project, isNew: false, isRegression: false, duplicate: true };
}

async function selectGroup(trx: Transaction<Database>, projectId: number, hash: string, lock: boolean) {
  let query = trx
    .selectFrom("groups")
    .select(["id", "status", "first_seen", "last_seen"])
    .where("project_id", "=", projectId)
    .where("fingerprint_hash", "=", hash);
  if (lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** What the issue search matches on: the title, the culprit and the full message. */
export function searchMessage(event: NormalizedEvent, grouping: GroupingResult): string {
  const parts = [grouping.title, grouping.culprit, event.message].filter((p) => p.length > 0);
  return [...new Set(parts)].join(" ").slice(0, 1024);
}
