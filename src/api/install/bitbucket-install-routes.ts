import type { FastifyInstance } from "fastify";
import type { App } from "../../app.js";
import { AppError } from "../../domain/errors.js";
import { isoNow } from "../../platform/clock.js";
import { bitbucketAuthorizeUrl } from "../../providers/bitbucket/install.js";
import { redirectJwtIssuer, verifyRedirectJwt } from "../../providers/bitbucket/verify-redirect-jwt.js";
import { findIntegrationByExternalId } from "../../store/integrations.js";
import { ensureOrganizationInstallation } from "../../store/organization-installations.js";
import { field, registerBrowserSteps, setupUrl } from "./browser-step.js";
import { escapeHtml, sendInstallPage } from "./install-page.js";
import { consumeInstallState, readInstallState } from "./install-state.js";

const SETUP_PATH = "/extensions/bitbucket/setup/";

/**
 * Links a Bitbucket (Atlassian Connect) installation to an organization, as Sentry's Bitbucket pipeline:
 * `GET /extensions/bitbucket/setup/?state` sends the browser to Bitbucket's add-on authorize page with our
 * descriptor and this page (with the state) as `redirect_uri`; Bitbucket installs the app (the verified
 * `installed` callback stores the integration and its sealed shared secret) and returns the browser with a
 * `jwt` signed by that secret. The JWT names and proves the installation; the state names the organization.
 */
export async function registerBitbucketInstallRoutes(server: FastifyInstance, app: App): Promise<void> {
  await registerBrowserSteps(server, app, (route) => {
    route("GET", SETUP_PATH, async (request, reply) => {
      const state = field(request.query, "state");
      const jwt = field(request.query, "jwt", 8000);
      if (jwt === undefined) {
        readInstallState(app, state, "bitbucket");
        return reply.redirect(bitbucketAuthorizeUrl(app.config.publicUrl, setupUrl(app, SETUP_PATH, { state: state as string })), 302);
      }
      readInstallState(app, state, "bitbucket");
      const clientKey = redirectJwtIssuer(jwt);
      const integration = await findIntegrationByExternalId(app.store.db, "bitbucket", clientKey);
      if (!integration || integration.status !== "active") {
        throw new AppError("validation", "bitbucket_installation_unknown", "Bitbucket has not finished installing the app for this workspace; try again in a moment.");
      }
      const sealed = (JSON.parse(integration.metadata) as { shared_secret?: unknown }).shared_secret;
      if (typeof sealed !== "string") throw new AppError("validation", "bitbucket_installation_unknown", "The Bitbucket installation has no shared secret; install the app again.");
      const query = new URLSearchParams(request.url.split("?")[1] ?? "");
      await verifyRedirectJwt(jwt, app.vault.open(sealed), SETUP_PATH, query);
      const verified = await consumeInstallState(app, state, "bitbucket");
      const now = isoNow(app.clock);
      await app.store.db.transaction().execute(async (tx) => {
        const other = await tx
          .selectFrom("organization_integrations")
          .select("organization_id")
          .where("integration_id", "=", integration.id)
          .where("status", "=", "active")
          .where("organization_id", "!=", verified.organizationId)
          .executeTakeFirst();
        if (other) throw new AppError("conflict", "bitbucket_installation_taken", "This Bitbucket workspace is already connected to another organization");
        await ensureOrganizationInstallation(tx, { organizationId: verified.organizationId, integrationId: integration.id }, now);
      });
      app.logger.info({ organizationId: verified.organizationId, clientKey }, "bitbucket linked");
      return sendInstallPage(reply, 200, "Bitbucket connected", `<p>The Bitbucket workspace <strong>${escapeHtml(integration.name)}</strong> is connected. You can close this page.</p>`);
    });
  });
}
