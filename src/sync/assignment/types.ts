import type { Kysely } from "kysely";
import type { Cache } from "../../platform/cache/cache.js";
import type { Clock } from "../../platform/clock.js";
import type { Database } from "../../store/schema.js";

/** The group an assignment is about. */
export interface GroupRef {
  id: number;
  projectId: number;
  organizationId: number;
}

export type Assignee = { type: "user"; id: number } | { type: "team"; id: number };

/** Which integration caused a change, so outbound sync never echoes it back (loop prevention). */
export interface AssignmentSource {
  integrationId: number;
  sourceName: string;
}

/** Asks for the linked tickets to follow a user (un)assignment; called after the change commits. */
export type OutboundAssigneeSync = (request: {
  group: GroupRef;
  userId: number | null;
  assign: boolean;
  source: AssignmentSource | null;
}) => Promise<void>;

/** What assignment needs to do its work. */
export interface AssignmentContext {
  db: Kysely<Database>;
  cache: Cache;
  clock: Clock;
  /** Set by the sync module; absent means no outbound sync (nothing is linked yet). */
  outbound?: OutboundAssigneeSync;
}

export interface AssignOptions {
  actingUserId?: number | null;
  createOnly?: boolean;
  extra?: Record<string, unknown>;
  forceAutoassign?: boolean;
  source?: AssignmentSource | null;
}

/** Sentry's return value of `assign`. */
export interface AssignResult {
  newAssignment: boolean;
  updatedAssignment: boolean;
}
