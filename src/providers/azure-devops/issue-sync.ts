import type { IssueSyncProvider, OutboundAssignee, OutboundTicket } from "../../sync/outbound/issue-sync-provider.js";
import type { AzureDevopsClient } from "./client.js";
import { statesForProject } from "./status-mapping.js";
import { getWorkItem, updateWorkItem } from "./work-items.js";

/**
 * Azure DevOps behind the sync port: `System.AssignedTo` takes the person's email (Azure resolves it to
 * the organization member), and the webhook echoes it back as `"Name <email>"`, so the echo value is the email.
 */
export function azureIssueSync(client: AzureDevopsClient): IssueSyncProvider {
  return {
    echoValueFor: (assignee) => assignee.email,
    async assignTicket(ticket: OutboundTicket, assignee: OutboundAssignee | null) {
      if (!assignee) {
        const current = await getWorkItem(client, ticket.key);
        // Removing an absent field still makes Azure write a revision; nothing to do.
        if (current.fields["System.AssignedTo"] === undefined) return;
        await updateWorkItem(client, ticket.key, [{ op: "remove", path: "/fields/System.AssignedTo" }]);
        return;
      }
      await updateWorkItem(client, ticket.key, [{ op: "replace", path: "/fields/System.AssignedTo", value: assignee.email }]);
    },
    async setTicketResolved(ticket: OutboundTicket, resolved: boolean) {
      const item = await getWorkItem(client, ticket.key);
      const project = typeof item.fields["System.TeamProject"] === "string" ? item.fields["System.TeamProject"] : undefined;
      const states = statesForProject(ticket.config, project);
      const target = resolved ? states.on_resolve : states.on_unresolve;
      if (String(item.fields["System.State"] ?? "").toLowerCase() === target.toLowerCase()) return;
      await updateWorkItem(client, ticket.key, [{ op: "replace", path: "/fields/System.State", value: target }]);
    },
  };
}

