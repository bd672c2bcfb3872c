import type { App } from "../../app.js";
import type { IssueSyncProvider } from "../../sync/outbound/issue-sync-provider.js";
import type { TicketProvider } from "../../sync/tickets/ticket-provider.js";
import { BitbucketClient } from "./client.js";
import { bitbucketIssueSync } from "./issue-sync.js";
import { bitbucketTickets } from "./tickets.js";

/** The sync port's Bitbucket client for an integration (registered in the provider registry). */
export async function bitbucketIssueSyncFor(app: App, integrationId: number): Promise<IssueSyncProvider> {
  return bitbucketIssueSync(await BitbucketClient.forIntegration(app, integrationId));
}

/** The external-issue API's Bitbucket tickets for an integration. */
export async function bitbucketTicketsFor(app: App, integrationId: number): Promise<TicketProvider> {
  return bitbucketTickets(await BitbucketClient.forIntegration(app, integrationId));
}
