import type { FastifyInstance } from "fastify";
import type { App } from "../../app.js";
import { AppError } from "../../domain/errors.js";
import { isoNow } from "../../platform/clock.js";
import { githubInstallUrl, githubIntegrationOf, verifyGithubInstallation } from "../../providers/github/install.js";
import { findIntegrationByExternalId, upsertIntegration } from "../../store/integrations.js";
import { ensureOrganizationInstallation } from "../../store/organization-installations.js";
import { field, registerBrowserSteps } from "./browser-step.js";
import { consumeInstallState, readInstallState } from "./install-state.js";
import { escapeHtml, sendInstallPage } from "./install-page.js";

/**
 * `GET /extensions/github/setup/`: without `installation_id` it sends the browser to the app's install page
 * with the signed state; GitHub brings it back with `installation_id`, `setup_action` and the state. The
 * installation is verified with the app JWT (GET /app/installations/{id}), then the integration (shared with
 * the `installation.created` webhook, which may have created it first) and the organization's installation
 * are created in one transaction. An installation already used by another organization is refused.
 */
export async function registerGithubInstallRoutes(server: FastifyInstance, app: App): Promise<void> {
  await registerBrowserSteps(server, app, (route) => {
    route("GET", "/extensions/github/setup/", async (request, reply) => {
      const query = request.query;
      const state = field(query, "state");
      const installationId = field(query, "installation_id", 20);
      if (installationId === undefined) {
        readInstallState(app, state, "github");
        return reply.redirect(await githubInstallUrl(app, state as string), 302);
      }
      const action = field(query, "setup_action", 20) ?? "install";
      if (action === "request") {
        return sendInstallPage(reply, 200, "Installation requested", "<p>An owner of the GitHub account has to approve the installation; start again once it is approved.</p>");
      }
      const verifiedState = await consumeInstallState(app, state, "github");
      const installation = await verifyGithubInstallation(app, installationId);
      if (installation.suspended) throw new AppError("validation", "github_installation_suspended", "This GitHub installation is suspended; unsuspend it on GitHub and try again");
      const now = isoNow(app.clock);
      const integration = githubIntegrationOf(installation);
      await app.store.db.transaction().execute(async (tx) => {
        const existing = await findIntegrationByExternalId(tx, "github", installation.id);
        if (existing) {
          const other = await tx
            .selectFrom("organization_integrations")
            .select("organization_id")
            .where("integration_id", "=", existing.id)
            .where("status", "=", "active")
            .where("organization_id", "!=", verifiedState.organizationId)
            .executeTakeFirst();
          if (other) throw new AppError("conflict", "github_installation_taken", "This GitHub installation is already connected to another organization");
        }
        // The webhook's metadata (sender) survives; what GitHub says now about the account wins.
        const previous = existing ? (JSON.parse(existing.metadata) as Record<string, unknown>) : {};
        const integrationId = await upsertIntegration(tx, { ...integration, metadata: { ...previous, ...integration.metadata } }, now);
        await ensureOrganizationInstallation(tx, { organizationId: verifiedState.organizationId, integrationId }, now);
      });
      app.logger.info({ installationId: installation.id, organizationId: verifiedState.organizationId }, "github installed");
      return sendInstallPage(reply, 200, "GitHub connected", `<p>The GitHub account <strong>${escapeHtml(installation.account.login)}</strong> is connected. You can close this page.</p>`);
    });
  });
}
