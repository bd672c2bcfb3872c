import type { SyncEvent } from "../../domain/neutral-events.js";

/** The GitHub events Switchboard handles; the others are acknowledged with 204 and ignored. */
export const HANDLED_GITHUB_EVENTS = new Set(["ping", "installation", "issues", "push", "pull_request"]);

interface IssuesPayload {
  action?: string;
  issue?: { number?: number; updated_at?: string; assignees?: Array<{ login?: string }> | null };
  repository?: { full_name?: string };
}

/**
 * An `issues` delivery as neutral events (§3.3, later versions): assigned/unassigned use the issue's
 * CURRENT assignees (GitHub sends those events in no reliable order), closed/reopened move the status.
 * `updated_at` is the ordering value (D10).
 */
export function parseIssuesEvent(payload: IssuesPayload, integrationId: number): SyncEvent[] {
  const number = payload.issue?.number;
  const repo = payload.repository?.full_name;
  if (typeof number !== "number" || typeof repo !== "string") return [];
  const key = `${repo}#${number}`;
  const updated = Date.parse(payload.issue?.updated_at ?? "");
  const ordering = Number.isFinite(updated) ? updated : null;
  switch (payload.action) {
    case "assigned":
    case "unassigned": {
      const login = payload.issue?.assignees?.find((a) => typeof a.login === "string")?.login;
      return [{ type: "assignee_changed", integrationId, externalIssueKey: key, email: null, externalActor: login ? `@${login}` : null, assigned: Boolean(login), ordering }];
    }
    case "closed":
    case "reopened":
      return [{ type: "status_changed", integrationId, externalIssueKey: key, resolved: payload.action === "closed", ordering }];
    default:
      return [];
  }
}
