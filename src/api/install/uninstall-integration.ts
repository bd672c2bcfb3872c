import type { App } from "../../app.js";
import { AppError } from "../../domain/errors.js";
import { isoNow } from "../../platform/clock.js";
import { azureClientFor, loadAzureIntegration } from "../../providers/azure-devops/integration-client.js";
import { unsubscribe } from "../../providers/azure-devops/install.js";
import { deleteGithubInstallation } from "../../providers/github/install.js";
import { JiraServerClient } from "../../providers/jira-server/client.js";
import { deleteIssueWebhook } from "../../providers/jira-server/install.js";
import type { OrganizationIntegrationRow } from "../../store/integration-health.js";
import { countActiveInstallations, disableOrganizationInstallation } from "../../store/organization-installations.js";

/** What an uninstall removed at the provider. */
export interface UninstallResult {
  removedAtProvider: string | null;
  integrationDisabled: boolean;
}

/**
 * Removes at the provider what this integration registered there, when this organization is the last one
 * using it: the Azure service-hook subscription, the Jira webhook, the GitHub app installation (Bitbucket:
 * the Connect app is removed in Bitbucket by the workspace admin; Opsgenie: nothing registered). A
 * provider failure aborts before anything here changes (nothing half-written); a thing already gone is fine.
 */
async function removeAtProvider(app: App, row: OrganizationIntegrationRow): Promise<string | null> {
  const metadata = JSON.parse(row.metadata) as Record<string, unknown>;
  if (row.provider === "vsts") {
    const id = (metadata.subscription as { id?: unknown } | undefined)?.id;
    if (typeof id !== "string") return null;
    await unsubscribe(azureClientFor(app, await loadAzureIntegration(app, row.id)), id);
    return `azure subscription ${id}`;
  }
  if (row.provider === "jira_server") {
    const id = (metadata.webhook as { id?: unknown } | undefined)?.id;
    if (typeof id !== "string") return null;
    await deleteIssueWebhook(await JiraServerClient.forIntegration(app, row.id), id);
    return `jira webhook ${id}`;
  }
  if (row.provider === "github") {
    await deleteGithubInstallation(app, row.externalId);
    return `github installation ${row.externalId}`;
  }
  return null;
}

/**
 * Uninstalls an integration from an organization: the provider-side registrations go when no other
 * organization uses the integration, then the organization's installation is disabled (and the integration
 * too when it was the last), rows kept so links, commits and history stay readable.
 */
export async function uninstallIntegration(app: App, organizationId: number, row: OrganizationIntegrationRow): Promise<UninstallResult> {
  if (row.installationStatus !== "active") throw new AppError("conflict", "integration_not_installed", "This integration is already uninstalled");
  const last = row.integrationStatus === "active" && (await countActiveInstallations(app.store.db, row.id)) <= 1;
  const removedAtProvider = last ? await removeAtProvider(app, row) : null;
  const now = isoNow(app.clock);
  await app.store.db.transaction().execute(async (tx) => {
    await disableOrganizationInstallation(tx, organizationId, row.id);
    if (!last) return;
    const metadata = JSON.parse(row.metadata) as Record<string, unknown>;
    // The removed subscription's secret is dropped so that nothing can be verified with it any more.
    if (row.provider === "vsts" && metadata.subscription) metadata.subscription = { id: null, removed_at: now };
    if (row.provider === "jira_server" && metadata.webhook) metadata.webhook = { id: null, removed_at: now };
    await tx.updateTable("integrations").set({ status: "disabled", metadata: JSON.stringify(metadata), date_updated: now }).where("id", "=", row.id).execute();
    await tx.updateTable("repositories").set({ status: "disabled" }).where("integration_id", "=", row.id).execute();
  });
  app.logger.info({ organizationId, integrationId: row.id, provider: row.provider, removedAtProvider }, "integration uninstalled");
  return { removedAtProvider, integrationDisabled: last };
}
