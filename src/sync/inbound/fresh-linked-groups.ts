import type { Kysely } from "kysely";
import type { LinkedGroup } from "../../store/linked-groups.js";
import type { Database } from "../../store/schema.js";
import type { SyncOutcome } from "../../store/sync-log.js";
import { advanceWatermark } from "../../store/sync-watermarks.js";

/**
 * The linked groups an inbound change may apply to: those of organizations that sync this field
 * inbound (§5.1), and whose organization has not applied a newer change of the ticket (D10; the
 * watermark advances once per organization). The others are logged with the reason they were skipped.
 */
export async function freshLinkedGroups(
  db: Kysely<Database>,
  groups: LinkedGroup[],
  change: { integrationId: number; externalIssueKey: string; field: "assignee" | "status"; ordering: number | null },
  enabledOrgs: Set<number>,
  now: string,
  log: (group: LinkedGroup, outcome: SyncOutcome, reason: string) => Promise<void>,
): Promise<LinkedGroup[]> {
  const fresh: LinkedGroup[] = [];
  const newest = new Map<number, boolean>();
  for (const group of groups) {
    if (!enabledOrgs.has(group.organizationId)) {
      await log(group, "sync_disabled", `Inbound ${change.field} sync is off for this organization's integration`);
      continue;
    }
    if (change.ordering !== null && !newest.has(group.organizationId)) {
      const key = { organizationId: group.organizationId, integrationId: change.integrationId, externalIssueKey: change.externalIssueKey, field: change.field };
      newest.set(group.organizationId, await advanceWatermark(db, key, change.ordering, now));
    }
    if (newest.get(group.organizationId) === false) {
      await log(group, "skipped_older", `A newer ${change.field} change of this ticket was already applied`);
      continue;
    }
    fresh.push(group);
  }
  return fresh;
}
