import { AppError } from "../../domain/errors.js";
import type { NewTicket, TicketProvider, TicketSummary } from "../../sync/tickets/ticket-provider.js";
import type { JiraServerClient } from "./client.js";
import { createIssue, getIssue, searchIssues, type JiraIssue } from "./issues.js";

const ISSUE_KEY = /^[A-Z][A-Z0-9_]*-\d+$/;

function summaryOf(client: JiraServerClient, issue: JiraIssue): TicketSummary {
  return {
    key: issue.key,
    title: issue.fields.summary ?? "",
    url: `${client.baseUrl}/browse/${issue.key}`,
    status: issue.fields.status?.name ?? "",
    ...(issue.fields.description ? { description: issue.fields.description } : {}),
  };
}

/** A JQL string literal: quotes and backslashes escaped. */
function jqlString(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

function projectKeyOf(config: Record<string, unknown>): string | undefined {
  return typeof config.project_key === "string" && config.project_key ? config.project_key : undefined;
}

/** Jira Server tickets for the external-issue API: link by key, create in the configured project, search with JQL. */
export function jiraServerTickets(client: JiraServerClient): TicketProvider {
  return {
    async getTicket(key) {
      return summaryOf(client, await getIssue(client, key));
    },
    async createTicket(ticket: NewTicket, config) {
      const projectKey = ticket.container ?? projectKeyOf(config);
      if (!projectKey) throw new AppError("validation", "jira_server_project_missing", "Choose the Jira project to create the ticket in");
      const issueType = typeof config.issue_type === "string" ? config.issue_type : undefined;
      return summaryOf(client, await createIssue(client, { projectKey, summary: ticket.title, description: ticket.description, issueType }));
    },
    async searchTickets(query, config, limit) {
      const text = query.trim();
      const project = projectKeyOf(config);
      const clauses = [ISSUE_KEY.test(text.toUpperCase()) ? `issuekey = ${jqlString(text.toUpperCase())}` : `text ~ ${jqlString(text)}`];
      if (project) clauses.push(`project = ${jqlString(project)}`);
      return (await searchIssues(client, `${clauses.join(" AND ")} ORDER BY updated DESC`, limit)).map((issue) => summaryOf(client, issue));
    },
  };
}
