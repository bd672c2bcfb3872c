import type { App } from "../../app.js";
import type { IssueSyncProvider } from "../../sync/outbound/issue-sync-provider.js";
import type { TicketProvider } from "../../sync/tickets/ticket-provider.js";
import { JiraServerClient } from "./client.js";
import { jiraServerIssueSync } from "./issue-sync.js";
import { jiraServerTickets } from "./tickets.js";

/** The sync port's Jira Server client for an integration (registered in the provider registry). */
export async function jiraServerIssueSyncFor(app: App, integrationId: number): Promise<IssueSyncProvider> {
  return jiraServerIssueSync(await JiraServerClient.forIntegration(app, integrationId));
}

/** The external-issue API's Jira Server tickets for an integration. */
export async function jiraServerTicketsFor(app: App, integrationId: number): Promise<TicketProvider> {
  return jiraServerTickets(await JiraServerClient.forIntegration(app, integrationId));
}
