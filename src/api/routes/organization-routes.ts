import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { App } from "../../app.js";
import { FEATURE_DEFAULTS, isFeatureEnabled, type FeatureName } from "../../domain/features.js";
import { updateOrganization } from "../../store/organizations.js";
import { assertOrganizationSlug, requireOrganization, type AuthenticatedOrganization } from "../auth/require-organization.js";
import { describeRoute } from "../openapi/registry.js";
import { text } from "../schemas/text.js";

const orgParams = z.object({ org: z.string() });
const featureNames = Object.keys(FEATURE_DEFAULTS) as [FeatureName, ...FeatureName[]];

export const organizationSchema = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  status: z.object({ id: z.string(), name: z.string() }),
  dateCreated: z.string(),
  features: z.array(z.string()).describe("Enabled feature switches (D16)"),
  featureSwitches: z.record(z.string(), z.boolean()).describe("Every feature switch with its current value"),
});

const updateBody = z
  .object({
    name: text().trim().min(1).max(64).optional(),
    slug: z
      .string()
      .max(50)
      .regex(/^(?!\d+$)[a-z0-9_-]+$/, "Enter a valid slug consisting of lowercase letters, numbers, underscores or hyphens. It cannot be entirely numeric.")
      .optional(),
    features: z.partialRecord(z.enum(featureNames), z.boolean()).optional(),
  })
  .strict();

async function serializeOrganization(app: App, id: number): Promise<z.infer<typeof organizationSchema>> {
  const row = await app.store.db.selectFrom("organizations").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  const switches = Object.fromEntries(featureNames.map((name) => [name, isFeatureEnabled(row.features, name)]));
  return {
    id: String(row.id),
    slug: row.slug,
    name: row.name,
    status: { id: row.status, name: row.status },
    dateCreated: row.date_added,
    features: featureNames.filter((name) => switches[name]),
    featureSwitches: switches,
  };
}

/** Organizations: the token's own, its detail and settings (name, slug, feature switches). */
export function registerOrganizationRoutes(server: FastifyInstance, app: App): void {
  describeRoute({ method: "get", path: "/api/0/organizations/", summary: "List the token's organization", tag: "organizations", response: z.array(organizationSchema) });
  server.get("/api/0/organizations/", async (request) => {
    const org = await requireOrganization(app, request);
    return [await serializeOrganization(app, org.id)];
  });

  describeRoute({ method: "get", path: "/api/0/organizations/:org/", summary: "Retrieve an organization", tag: "organizations", params: orgParams, response: organizationSchema });
  server.get("/api/0/organizations/:org/", async (request) => {
    const org = await requireOrganization(app, request);
    assertOrganizationSlug(org, orgParams.parse(request.params).org);
    return serializeOrganization(app, org.id);
  });

  describeRoute({ method: "put", path: "/api/0/organizations/:org/", summary: "Update an organization's name, slug or feature switches", tag: "organizations", params: orgParams, body: updateBody, response: organizationSchema });
  server.put("/api/0/organizations/:org/", async (request) => {
    const org: AuthenticatedOrganization = await requireOrganization(app, request);
    assertOrganizationSlug(org, orgParams.parse(request.params).org);
    const body = updateBody.parse(request.body ?? {});
    await updateOrganization(app, org.id, body as { name?: string; slug?: string; features?: Record<string, boolean> });
    return serializeOrganization(app, org.id);
  });
}
