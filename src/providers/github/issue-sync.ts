import { AppError } from "../../domain/errors.js";
import type { IssueSyncProvider, OutboundAssignee, OutboundTicket } from "../../sync/outbound/issue-sync-provider.js";
import type { GithubClient } from "./client.js";
import { getIssue, setIssueAssignees, setIssueState } from "./issues.js";

/** GitHub behind the sync port: people are assigned by login, taken from their external user (`@login`). */
export function githubIssueSync(client: GithubClient): IssueSyncProvider {
  return {
    echoValueFor: (assignee) => assignee.externalNames.find((n) => n.startsWith("@")) ?? assignee.email,
    async assignTicket(ticket: OutboundTicket, assignee: OutboundAssignee | null) {
      if (!assignee) {
        await setIssueAssignees(client, ticket.key, []);
        return;
      }
      const login = assignee.externalNames.find((n) => n.startsWith("@"))?.slice(1);
      if (!login) {
        throw new AppError("validation", "github_login_unknown", `No GitHub login is mapped to ${assignee.email}; add an external user for them`);
      }
      const issue = await setIssueAssignees(client, ticket.key, [login]);
      // GitHub drops logins it cannot assign without an error; say so instead of reporting success.
      if (!issue.assignees.some((a) => a.login.toLowerCase() === login.toLowerCase())) {
        throw new AppError("upstream", "github_assignee_refused", `GitHub did not assign @${login} (not a collaborator of the repository?)`);
      }

    },
    async setTicketResolved(ticket: OutboundTicket, resolved: boolean) {
      const issue = await getIssue(client, ticket.key);
      if ((issue.state === "closed") === resolved) return;
      await setIssueState(client, ticket.key, !resolved);
    },
  };
}
