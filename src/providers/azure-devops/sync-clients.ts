import type { App } from "../../app.js";
import { azureClientFor, loadAzureIntegration } from "./integration-client.js";
import { azureIssueSync } from "./issue-sync.js";
import { azureTickets } from "./tickets.js";
import type { IssueSyncProvider } from "../../sync/outbound/issue-sync-provider.js";
import type { TicketProvider } from "../../sync/tickets/ticket-provider.js";

/** The sync client of an Azure DevOps integration (provider `vsts`). */
export async function azureIssueSyncFor(app: App, integrationId: number): Promise<IssueSyncProvider> {
  return azureIssueSync(azureClientFor(app, await loadAzureIntegration(app, integrationId)));
}

/** The ticket client of an Azure DevOps integration (provider `vsts`). */
export async function azureTicketsFor(app: App, integrationId: number): Promise<TicketProvider> {
  return azureTickets(azureClientFor(app, await loadAzureIntegration(app, integrationId)));
}
