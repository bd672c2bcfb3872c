import { AppError } from "../../domain/errors.js";
import type { IssueSyncProvider, OutboundAssignee, OutboundTicket } from "../../sync/outbound/issue-sync-provider.js";
import type { BitbucketClient } from "./client.js";
import { getIssue, listWorkspaceMembers, parseIssueKey, updateIssue } from "./issues.js";

/** States that count as resolved (the same set the webhook parser reads as resolved). */
const RESOLVED_STATES = new Set(["resolved", "closed", "invalid", "duplicate", "wontfix"]);

function configured(config: Record<string, unknown>, name: string, fallback: string): string {
  const value = config[name];
  return typeof value === "string" && value.length > 0 ? value : fallback;
}

/**
 * Bitbucket behind the sync port. Accounts never show an email, so a person is named by their external
 * user (`@nickname`, as the webhook names them back), found among the workspace's members and assigned
 * by account uuid. Resolve/unresolve set the state (`resolve_status`, default resolved; `unresolve_status`,
 * default open).
 */
export function bitbucketIssueSync(client: BitbucketClient): IssueSyncProvider {
  return {
    echoValueFor: (assignee) => assignee.externalNames.find((n) => n.startsWith("@")) ?? assignee.email,
    async assignTicket(ticket: OutboundTicket, assignee: OutboundAssignee | null) {
      const { repo, id } = parseIssueKey(ticket.key);
      if (!assignee) {
        await updateIssue(client, repo, id, { assignee: null });
        return;
      }
      const nickname = assignee.externalNames.find((n) => n.startsWith("@"))?.slice(1);
      if (!nickname) throw new AppError("validation", "bitbucket_account_unknown", `No Bitbucket account is mapped to ${assignee.email}; add an external user (@nickname) for them`);
      const workspace = repo.split("/")[0] as string;
      const member = (await listWorkspaceMembers(client, workspace)).find((m) => m.nickname?.toLowerCase() === nickname.toLowerCase());
      if (!member) throw new AppError("validation", "bitbucket_account_not_member", `@${nickname} is not a member of the Bitbucket workspace ${workspace}`);
      await updateIssue(client, repo, id, { assignee: { uuid: member.uuid } });
    },
    async setTicketResolved(ticket: OutboundTicket, resolved: boolean) {
      const { repo, id } = parseIssueKey(ticket.key);
      const issue = await getIssue(client, repo, id);
      if (RESOLVED_STATES.has(issue.state.toLowerCase()) === resolved) return;
      const state = resolved ? configured(ticket.config, "resolve_status", "resolved") : configured(ticket.config, "unresolve_status", "open");
      await updateIssue(client, repo, id, { state });
    },
  };
}
