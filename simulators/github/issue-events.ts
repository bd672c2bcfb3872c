import type { GithubDeliveries, GithubDeliveryRecord } from "./deliver-webhook.js";
import { issuesEvent, type EventContext } from "./events.js";
import type { IssueChange } from "./issues.js";
import { labelJson, userJson } from "./payloads.js";
import type { GithubIssue, GithubRepo } from "./state.js";

/** True when GitHub would tell the app about this repository: installed and not suspended. */
export function installationActive(ctx: EventContext, repo: GithubRepo): boolean {
  const inst = ctx.state.installations.get(repo.installationId);
  return inst !== undefined && inst.suspended_at === null;
}

/**
 * Queues one `issues` delivery per change, each built now so that it shows the issue as it is after
 * the whole change (as GitHub's payloads do). Resolves when they have all been attempted.
 */
export function announceIssueChanges(
  deliveries: GithubDeliveries,
  ctx: EventContext,
  repo: GithubRepo,
  issue: GithubIssue,
  changes: IssueChange[],
  by: string,
): Promise<Array<GithubDeliveryRecord | undefined>> {
  if (!changes.length || !installationActive(ctx, repo)) return Promise.resolve([]);
  return Promise.all(
    changes.map((change) => {
      const extra: Record<string, unknown> = {};
      if (change.assignee) extra.assignee = userJson(ctx.base, ctx.state.user(change.assignee));
      if (change.label) extra.label = labelJson(ctx.base, repo, change.label);
      if (change.changes) extra.changes = change.changes;
      return deliveries.deliver("issues", issuesEvent(ctx, change.action, repo, issue, by, extra));
    }),
  );
}
