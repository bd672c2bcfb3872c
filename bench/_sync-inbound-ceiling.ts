// The store's own ceiling for the sync-inbound benchmark: the writes an inbound change ends in (assign() or
// deassign() of src/sync/assignment, with their activity, history, subscriptions and cache invalidation, and
// the outbound hook that finds no other link), issued directly in loops on the same store, no HTTP or queue.
import type { App } from "../src/app.js";
import { assign } from "../src/sync/assignment/assign.js";
import { deassign } from "../src/sync/assignment/deassign.js";
import { syncContext } from "../src/sync/sync-context.js";
import type { SignedDelivery } from "./_sync-inbound-deliveries.js";
import type { SeededBench } from "./_sync-inbound-seed.js";

export interface CeilingResult {
  changes: number;
  loops: number;
  seconds: number;
  changesPerSecond: number;
}

/**
 * Applies the changes the deliveries describe with `loops` concurrent loops; loop j takes the changes of
 * the groups whose index is j mod loops, so no two loops touch one group (as the per-ticket lock ensures).
 */
export async function directWriteCeiling(app: App, seeded: SeededBench, changes: SignedDelivery[], loops: number): Promise<CeilingResult> {
  const ctx = syncContext(app);
  const source = { integrationId: seeded.integrationId, sourceName: "github" };
  const extra = { integration: "github" };
  const lanes = Array.from({ length: loops }, (_, j) => changes.filter((c) => c.groupIndex % loops === j));
  const startedAt = performance.now();
  await Promise.all(
    lanes.map(async (lane) => {
      for (const change of lane) {
        const seededGroup = seeded.groups[change.groupIndex]!;
        const group = { id: seededGroup.id, projectId: seededGroup.projectId, organizationId: seeded.organizationId };
        if (change.expect === "assigned") await assign(ctx, group, { type: "user", id: seeded.users[change.userIndex]! }, { extra, source });
        else await deassign(ctx, group, { extra, source });
      }
    }),
  );
  const seconds = (performance.now() - startedAt) / 1000;
  return { changes: changes.length, loops, seconds: Math.round(seconds * 1000) / 1000, changesPerSecond: Math.round(changes.length / seconds) };
}
