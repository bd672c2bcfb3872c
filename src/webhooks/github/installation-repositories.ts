import type { App } from "../../app.js";
import type { RepositoryRef } from "../../domain/neutral-events.js";
import { isoNow } from "../../platform/clock.js";
import { GITHUB_REPOSITORY_PROVIDER } from "../../providers/github/webhook.js";
import { activeInstallations, findIntegrationByExternalId } from "../../store/integrations.js";
import { repositoriesForEvent, type KnownRepository } from "../../store/repositories.js";

/**
 * §3.3 (common to non-installation events): the repository rows an event of a GitHub installation is
 * about, one per organization that installed it (created on first sight). An unknown or disabled
 * installation, or one no organization installed, yields none and is logged.
 */
export async function repositoriesOfInstallation(app: App, installationExternalId: string, repository: RepositoryRef, event: string): Promise<KnownRepository[]> {
  const integration = await findIntegrationByExternalId(app.store.db, "github", installationExternalId);
  if (!integration || integration.status !== "active") {
    app.logger.info({ installationId: installationExternalId, event }, "github delivery for an unknown or disabled installation; ignored");
    return [];
  }
  const organizations = await activeInstallations(app.store.db, integration.id);
  if (organizations.length === 0) {
    app.logger.info({ installationId: installationExternalId, event }, "github delivery for an installation no organization uses; ignored");
    return [];
  }
  return repositoriesForEvent(
    app.store.db,
    integration.id,
    organizations.map((o) => o.organizationId),
    GITHUB_REPOSITORY_PROVIDER,
    repository,
    isoNow(app.clock),
  );
}
