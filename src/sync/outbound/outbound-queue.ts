import type { Kysely } from "kysely";
import { isoNow, systemClock, type Clock } from "../../platform/clock.js";
import type { JobQueue } from "../../platform/queue/queue.js";
import { listLinkedTickets } from "../../store/external-issues.js";
import type { Database } from "../../store/schema.js";
import { recordSyncAttempt } from "../../store/sync-log.js";
import type { AssignmentSource, OutboundAssigneeSync } from "../assignment/types.js";

export const OUTBOUND_QUEUE = "sync-outbound";

/** §5.4: retried 5 times; Sentry waits 300 s between tries, the back-off here starts smaller and grows. */
export const OUTBOUND_MAX_ATTEMPTS = 6;

export interface AssigneeOutboundJob {
  kind: "assignee";
  /** The group whose change this is (for the sync log). */
  groupId: number;
  externalIssueId: number;
  userId: number | null;
  assign: boolean;
  source: AssignmentSource | null;
}

export interface StatusOutboundJob {
  kind: "status";
  groupId: number;
  externalIssueId: number;
  resolved: boolean;
  source: AssignmentSource | null;
}

export type OutboundJob = AssigneeOutboundJob | StatusOutboundJob;

/** Why a change is not sent to the integration it came from (loop prevention). */
export const ECHO_REASON = "The change came from this integration; it is not sent back to it";

/** External issues linked (type issue) to a group. */
export async function linkedExternalIssueIds(db: Kysely<Database>, groupId: number): Promise<number[]> {
  const rows = await db
    .selectFrom("group_links")
    .select("linked_id")
    .where("group_id", "=", groupId)
    .where("linked_type", "=", "issue")
    .orderBy("linked_id")
    .execute();
  return rows.map((r) => r.linked_id);
}

/**
 * §5.4 `sync_group_assignee_outbound`: one queued job per linked external issue, except the ticket of the
 * integration the change came from: its `skipped_echo` outcome is logged here, as the job would have, instead
 * of queueing a job whose only work is to log it (an inbound change linked to one ticket queues nothing).
 */
export function createOutboundAssigneeSync(db: Kysely<Database>, queue: JobQueue, backoffMs: number, clock: Clock = systemClock): OutboundAssigneeSync {
  return async ({ group, userId, assign, source }) => {
    for (const ticket of await listLinkedTickets(db, group.id)) {
      if (source && ticket.integrationId === source.integrationId) {
        if (ticket.integrationStatus === "active") await logEcho(db, clock, group.id, ticket);
        continue;
      }
      const job: AssigneeOutboundJob = { kind: "assignee", groupId: group.id, externalIssueId: ticket.externalIssueId, userId, assign, source };
      await queue.enqueue(OUTBOUND_QUEUE, "sync_assignee_outbound", job, { maxAttempts: OUTBOUND_MAX_ATTEMPTS, backoffMs });
    }
  };
}

function logEcho(db: Kysely<Database>, clock: Clock, groupId: number, ticket: { key: string; organizationId: number; integrationId: number }) {
  return recordSyncAttempt(db, {
    organizationId: ticket.organizationId,
    groupId,
    integrationId: ticket.integrationId,
    externalIssueKey: ticket.key,
    direction: "outbound",
    field: "assignee",
    outcome: "skipped_echo",
    reason: ECHO_REASON,
    createdAt: isoNow(clock),
  });
}

/** Queues the status change of a group for each of its linked tickets. */
export async function enqueueStatusOutbound(
  db: Kysely<Database>,
  queue: JobQueue,
  backoffMs: number,
  groupId: number,
  resolved: boolean,
  source: AssignmentSource | null,
): Promise<void> {
  for (const externalIssueId of await linkedExternalIssueIds(db, groupId)) {
    const job: StatusOutboundJob = { kind: "status", groupId, externalIssueId, resolved, source };
    await queue.enqueue(OUTBOUND_QUEUE, "sync_status_outbound", job, { maxAttempts: OUTBOUND_MAX_ATTEMPTS, backoffMs });
  }
}
