import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { App } from "../../app.js";
import { AppError } from "../../domain/errors.js";
import { organizationIntegrations } from "../../store/integration-health.js";
import { writeInstallationConfig } from "../../store/organization-installations.js";
import { assertOrganizationSlug, requireOrganization } from "../auth/require-organization.js";
import { authorizeCheck, authorizeCheckSchema } from "../install/authorize-check.js";
import { integrationHealth, integrationHealthSchema } from "../install/integration-health.js";
import { syncSettingsSchema } from "../install/sync-settings.js";
import { uninstallIntegration } from "../install/uninstall-integration.js";
import { describeRoute } from "../openapi/registry.js";

const orgParams = z.object({ org: z.string() });
const itemParams = z.object({ org: z.string(), id: z.string() });
const uninstallSchema = z.object({ removedAtProvider: z.string().nullable().describe("What was removed at the provider (subscription, webhook, app installation)"), integrationDisabled: z.boolean() });

/**
 * Integration health for the dashboard: each installed integration's account, status, credential state
 * (valid until, needs_reauth, last refresh and error), classified authorization failures, last webhook and
 * its verification, subscription state and sync settings; settings editable with PUT; uninstall with DELETE;
 * a dry-run authorize check. Every route is scoped to the caller's organization (others' are 404).
 */
export function registerIntegrationRoutes(server: FastifyInstance, app: App): void {
  const orgOf = async (request: FastifyRequest, slug: string) => {
    const org = await requireOrganization(app, request);
    assertOrganizationSlug(org, slug);
    return org;
  };
  const rowOf = async (organizationId: number, id: string) => {
    if (!/^\d{1,15}$/.test(id)) throw new AppError("not_found", "integration_not_found", "The requested resource does not exist");
    const [row] = await organizationIntegrations(app.store.db, organizationId, Number(id));
    if (!row) throw new AppError("not_found", "integration_not_found", "The requested resource does not exist");
    return row;
  };

  describeRoute({ method: "get", path: "/api/0/organizations/:org/integrations/", summary: "List the organization's integrations with their health", tag: "integrations", params: orgParams, response: z.array(integrationHealthSchema) });
  server.get("/api/0/organizations/:org/integrations/", async (request) => {
    const org = await orgOf(request, orgParams.parse(request.params).org);
    const rows = await organizationIntegrations(app.store.db, org.id);
    return Promise.all(rows.map((row) => integrationHealth(app, row)));
  });

  describeRoute({ method: "get", path: "/api/0/organizations/:org/integrations/:id/", summary: "Retrieve one integration's health", tag: "integrations", params: itemParams, response: integrationHealthSchema });
  server.get("/api/0/organizations/:org/integrations/:id/", async (request) => {
    const params = itemParams.parse(request.params);
    const org = await orgOf(request, params.org);
    return integrationHealth(app, await rowOf(org.id, params.id));
  });

  describeRoute({ method: "put", path: "/api/0/organizations/:org/integrations/:id/", summary: "Update an integration's sync settings (§5.1 keys; the given keys replace their values)", tag: "integrations", params: itemParams, body: z.object({ syncSettings: syncSettingsSchema }).strict(), response: integrationHealthSchema });
  server.put("/api/0/organizations/:org/integrations/:id/", async (request) => {
    const params = itemParams.parse(request.params);
    const org = await orgOf(request, params.org);
    const row = await rowOf(org.id, params.id);
    const { syncSettings } = z.object({ syncSettings: syncSettingsSchema }).strict().parse(request.body ?? {});
    const current = JSON.parse(row.config) as Record<string, unknown>;
    await writeInstallationConfig(app.store.db, org.id, row.id, { ...current, ...syncSettings });
    return integrationHealth(app, await rowOf(org.id, params.id));
  });

  describeRoute({ method: "delete", path: "/api/0/organizations/:org/integrations/:id/", summary: "Uninstall: remove subscriptions and webhooks at the provider, disable the installation (history kept)", tag: "integrations", params: itemParams, response: uninstallSchema });
  server.delete("/api/0/organizations/:org/integrations/:id/", async (request) => {
    const params = itemParams.parse(request.params);
    const org = await orgOf(request, params.org);
    return uninstallIntegration(app, org.id, await rowOf(org.id, params.id));
  });

  describeRoute({ method: "post", path: "/api/0/organizations/:org/integrations/:id/authorize-check/", summary: "Dry-run: exercise the credential with one read-only call and classify a failure", tag: "integrations", params: itemParams, response: authorizeCheckSchema });
  server.post("/api/0/organizations/:org/integrations/:id/authorize-check/", async (request) => {
    const params = itemParams.parse(request.params);
    const org = await orgOf(request, params.org);
    return authorizeCheck(app, await rowOf(org.id, params.id));
  });
}
