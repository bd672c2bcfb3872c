import type { App } from "../app.js";
import { registerIssueSyncProvider } from "../sync/outbound/issue-sync-provider.js";
import { registerTicketProvider } from "../sync/tickets/ticket-provider.js";
import { azureIssueSyncFor, azureTicketsFor } from "./azure-devops/sync-clients.js";
import { bitbucketIssueSyncFor, bitbucketTicketsFor } from "./bitbucket/sync-clients.js";
import { GithubClient } from "./github/client.js";
import { githubIssueSync } from "./github/issue-sync.js";
import { githubTickets } from "./github/tickets.js";
import { jiraServerIssueSyncFor, jiraServerTicketsFor } from "./jira-server/sync-clients.js";

/** Fills the sync port with each provider's client, for this process's app. */
export function registerProviderSyncClients(app: App): void {
  registerIssueSyncProvider("github", async (integrationId) => {
    const integration = await app.store.db.selectFrom("integrations").select("external_id").where("id", "=", integrationId).executeTakeFirstOrThrow();
    return githubIssueSync(new GithubClient(app, integration.external_id));
  });
  registerTicketProvider("github", async (integrationId) => {
    const integration = await app.store.db.selectFrom("integrations").select("external_id").where("id", "=", integrationId).executeTakeFirstOrThrow();
    return githubTickets(new GithubClient(app, integration.external_id));
  });
  registerIssueSyncProvider("vsts", (integrationId) => azureIssueSyncFor(app, integrationId));
  registerTicketProvider("vsts", (integrationId) => azureTicketsFor(app, integrationId));
  registerIssueSyncProvider("jira_server", (integrationId) => jiraServerIssueSyncFor(app, integrationId));
  registerTicketProvider("jira_server", (integrationId) => jiraServerTicketsFor(app, integrationId));
  registerIssueSyncProvider("bitbucket", (integrationId) => bitbucketIssueSyncFor(app, integrationId));
  registerTicketProvider("bitbucket", (integrationId) => bitbucketTicketsFor(app, integrationId));
}
