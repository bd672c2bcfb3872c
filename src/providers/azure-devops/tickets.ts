import { AppError } from "../../domain/errors.js";
import type { NewTicket, TicketProvider, TicketSummary } from "../../sync/tickets/ticket-provider.js";
import type { AzureDevopsClient } from "./client.js";
import { createWorkItem, getWorkItem, getWorkItems, queryWorkItemIds, type AzureWorkItem } from "./work-items.js";

/** The work item types a ticket may be created as (Sentry offers the project's types; Bug and Task exist in Agile and Scrum). */
const CREATABLE_TYPES = new Set(["Bug", "Task"]);

function summary(item: AzureWorkItem): TicketSummary {
  const description = item.fields["System.Description"];
  return {
    key: String(item.id),
    title: String(item.fields["System.Title"] ?? ""),
    url: item._links?.html?.href ?? item.url,
    status: String(item.fields["System.State"] ?? ""),
    ...(typeof description === "string" ? { description } : {}),
  };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Plain text (with its link back) as the HTML Azure's description fields hold. */
export function descriptionHtml(text: string): string {
  return escapeHtml(text)
    .replace(/(https?:\/\/[^\s<]+)/g, '<a href="$1">$1</a>')
    .split(/\r?\n/)
    .join("<br>");
}

/** WIQL string literal: single quotes doubled. */
function wiqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * Azure DevOps work items behind the ticket port. Create goes to `container` or the config's
 * `default_project`, as the config's `work_item_type` (Bug by default, or Task); search is WIQL on the
 * title, or the id when the query is a number.
 */
export function azureTickets(client: AzureDevopsClient): TicketProvider {
  return {
    async getTicket(key: string) {
      return summary(await getWorkItem(client, key));
    },
    async createTicket(ticket: NewTicket, config: Record<string, unknown>) {
      const project = ticket.container ?? (typeof config.default_project === "string" ? config.default_project : undefined);
      if (!project) throw new AppError("validation", "azure_project_required", "Choose the Azure DevOps project to create the work item in");
      const type = typeof config.work_item_type === "string" ? config.work_item_type : "Bug";
      if (!CREATABLE_TYPES.has(type)) throw new AppError("validation", "azure_work_item_type_invalid", `Work items can be created as Bug or Task, not ${type}`);
      const html = descriptionHtml(ticket.description);
      const operations = [
        { op: "add" as const, path: "/fields/System.Title", value: ticket.title },
        { op: "add" as const, path: "/fields/System.Description", value: html },
        // A Bug shows Repro Steps rather than Description on its form (Sentry fills both).
        ...(type === "Bug" ? [{ op: "add" as const, path: "/fields/Microsoft.VSTS.TCM.ReproSteps", value: html }] : []),
      ];
      return summary(await createWorkItem(client, project, type, operations));
    },
    async searchTickets(query: string, config: Record<string, unknown>, limit: number) {
      const text = query.trim();
      if (/^\d+$/.test(text)) {
        try {
          return [summary(await getWorkItem(client, text))];
        } catch (error) {
          if (error instanceof AppError && error.kind === "not_found") return [];
          throw error;
        }
      }
      const project = typeof config.default_project === "string" ? config.default_project : undefined;
      const scope = project ? " AND [System.TeamProject] = @project" : "";
      const wiql = `SELECT [System.Id] FROM WorkItems WHERE [System.Title] CONTAINS ${wiqlString(text)}${scope} ORDER BY [System.ChangedDate] DESC`;
      const ids = await queryWorkItemIds(client, wiql, project, Math.max(1, Math.min(limit, 200)));
      const items = await getWorkItems(client, ids);
      const byId = new Map(items.map((i) => [i.id, i]));
      return ids.flatMap((id) => (byId.has(id) ? [summary(byId.get(id)!)] : []));
    },
  };
}
