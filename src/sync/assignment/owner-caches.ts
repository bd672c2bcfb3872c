import { nowSeconds } from "../../platform/clock.js";
import type { AssignmentContext } from "./types.js";

/** §6.4 constants (Sentry's GroupOwner). */
export const ASSIGNEE_EXISTS_DURATION = 60 * 60 * 24;
export const ISSUE_OWNERS_DEBOUNCE_DURATION = 60 * 60 * 24;
export const assigneeExistsKey = (groupId: number) => `assignee_exists:1:${groupId}`;
export const issueOwnersDebounceKey = (groupId: number) => `owner_exists:1:${groupId}`;

const BATCH = 1000;

async function invalidate(ctx: AssignmentContext, keyOf: (groupId: number) => string, duration: number, projectId: number, groupId?: number): Promise<void> {
  if (groupId !== undefined) {
    await ctx.cache.delete(keyOf(groupId));
    return;
  }
  // Whole project: only groups seen within the key's lifetime can still have a cached key.
  const since = new Date((nowSeconds(ctx.clock) - duration) * 1000).toISOString();
  let after = 0;
  for (;;) {
    const rows = await ctx.db
      .selectFrom("groups")
      .select("id")
      .where("project_id", "=", projectId)
      .where("last_seen", ">=", since)
      .where("id", ">", after)
      .orderBy("id")
      .limit(BATCH)
      .execute();
    if (rows.length === 0) return;
    await ctx.cache.delete(...rows.map((r) => keyOf(r.id)));
    after = rows[rows.length - 1]!.id;
    if (rows.length < BATCH) return;
  }
}

/** Deletes `assignee_exists:1:{group}`, or every recent group's key in the project. */
export function invalidateAssigneeExistsCache(ctx: AssignmentContext, projectId: number, groupId?: number): Promise<void> {
  return invalidate(ctx, assigneeExistsKey, ASSIGNEE_EXISTS_DURATION, projectId, groupId);
}

/** Deletes `owner_exists:1:{group}`, or every recent group's key in the project. */
export function invalidateIssueOwnersDebounceCache(ctx: AssignmentContext, projectId: number, groupId?: number): Promise<void> {
  return invalidate(ctx, issueOwnersDebounceKey, ISSUE_OWNERS_DEBOUNCE_DURATION, projectId, groupId);
}
