import type { Kysely, Transaction } from "kysely";
import type { NormalizedEvent } from "../domain/event-manager.js";
import type { Database } from "./schema.js";

type Db = Kysely<Database> | Transaction<Database>;

/** A stored event as tests and the API read it. */
export interface StoredEvent {
  id: number;
  projectId: number;
  groupId: number;
  eventId: string;
  timestamp: string;
  received: string;
  level: string;
  message: string;
  platform: string | null;
  data: NormalizedEvent;
}

/** Inserts an event unless (project, event_id) exists; the new row id, or undefined for a duplicate. */
export async function insertEventOnce(db: Db, groupId: number, event: NormalizedEvent): Promise<number | undefined> {
  const row = await db
    .insertInto("events")
    .values({
      project_id: event.project,
      group_id: groupId,
      event_id: event.event_id,
      timestamp: event.timestamp,
      received: event.received,
      level: event.level,
      message: event.message,
      platform: event.platform,
      data: JSON.stringify(event),
    })
    .onConflict((oc) => oc.columns(["project_id", "event_id"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  return row?.id;
}

/** The group an already stored event belongs to, or undefined. */
export async function findEventGroup(db: Db, projectId: number, eventId: string): Promise<number | undefined> {
  const row = await db.selectFrom("events").select("group_id").where("project_id", "=", projectId).where("event_id", "=", eventId).executeTakeFirst();
  return row?.group_id;
}

/** A group's events, newest first. */
export async function listGroupEvents(db: Db, groupId: number, limit = 100): Promise<StoredEvent[]> {
  const rows = await db.selectFrom("events").selectAll().where("group_id", "=", groupId).orderBy("id", "desc").limit(limit).execute();
  return rows.map((r) => ({
    id: r.id,
    projectId: r.project_id,
    groupId: r.group_id,
    eventId: r.event_id,
    timestamp: r.timestamp,
    received: r.received,
    level: r.level,
    message: r.message,
    platform: r.platform,
    data: JSON.parse(r.data) as NormalizedEvent,
  }));
}
