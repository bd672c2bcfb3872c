import type { Transaction } from "kysely";
import { recordActivity, type ActivityType } from "../store/activity.js";
import { recordGroupHistory } from "../store/group-history.js";
import type { Database } from "../store/schema.js";
import type { GroupRef } from "./assignment/types.js";

/** Records a change of a group twice, as Sentry does: an activity row for its timeline and a history row. */
export async function recordGroupChange(
  tx: Transaction<Database>,
  group: GroupRef,
  change: { activity: ActivityType; history: string; actingUserId: number | null; data: Record<string, unknown>; now: string },
): Promise<void> {
  await recordActivity(tx, { projectId: group.projectId, groupId: group.id, type: change.activity, userId: change.actingUserId, data: change.data, datetime: change.now });
  await recordGroupHistory(tx, {
    organizationId: group.organizationId,
    projectId: group.projectId,
    groupId: group.id,
    status: change.history,
    userId: change.actingUserId,
    dateAdded: change.now,
  });
}
