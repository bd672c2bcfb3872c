import { AppError } from "../../domain/errors.js";
import type { IssueSyncProvider, OutboundAssignee, OutboundTicket } from "../../sync/outbound/issue-sync-provider.js";
import type { JiraServerClient } from "./client.js";
import { assignIssue, getIssue, listTransitions, transitionIssue } from "./issues.js";
import { isAtTarget, pickTransition, statusTarget } from "./resolve-status.js";
import { findUserByEmail } from "./users.js";

/**
 * Jira Server behind the sync port: a person is found by email, then assigned by username (Server has
 * no accountId); resolve and unresolve are workflow transitions to the configured status.
 */
export function jiraServerIssueSync(client: JiraServerClient): IssueSyncProvider {
  return {
    async assignTicket(ticket: OutboundTicket, assignee: OutboundAssignee | null) {
      if (!assignee) return assignIssue(client, ticket.key, null);
      const user = await findUserByEmail(client, assignee.email);
      await assignIssue(client, ticket.key, user.name);
    },
    async setTicketResolved(ticket: OutboundTicket, resolved: boolean) {
      const issue = await getIssue(client, ticket.key);
      const target = statusTarget(ticket.config, issue.fields.project?.key, resolved);
      if (isAtTarget(issue.fields.status, target)) return;
      const transition = pickTransition(await listTransitions(client, ticket.key), target);
      if (!transition) {
        const wanted = target.mapped ?? (resolved ? "a done status" : "a to-do status");
        throw new AppError("validation", "jira_server_transition_unavailable", `The workflow of ${ticket.key} offers no transition to ${wanted} from ${issue.fields.status?.name ?? "its status"}`);
      }
      await transitionIssue(client, ticket.key, transition.id);
    },
  };
}
