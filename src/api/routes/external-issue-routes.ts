import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { App } from "../../app.js";
import { findGroupInOrganization } from "../../store/groups.js";
import { listGroupExternalIssues } from "../../store/group-external-issues.js";
import { requireOrganization } from "../auth/require-organization.js";
import { describeRoute } from "../openapi/registry.js";
import { notFound } from "./lookup.js";

const externalIssueSchema = z.object({
  id: z.string(),
  key: z.string(),
  title: z.string().nullable(),
  url: z.string().nullable(),
  integrationId: z.string(),
  integrationName: z.string(),
  provider: z.string(),
  displayName: z.string(),
  dateLinked: z.string(),
});

function metadataUrl(metadata: string): string | null {
  try {
    const url = (JSON.parse(metadata) as { url?: unknown }).url;
    return typeof url === "string" && /^https?:\/\//.test(url) ? url : null;
  } catch {
    return null;
  }
}

/** The tickets an issue is linked to (Sentry's group external-issues endpoint). */
export function registerExternalIssueRoutes(server: FastifyInstance, app: App): void {
  describeRoute({
    method: "get",
    path: "/api/0/issues/:id/external-issues/",
    summary: "The tickets an issue is linked to, with their integration",
    tag: "issues",
    params: z.object({ id: z.string() }),
    response: z.array(externalIssueSchema),
  });
  server.get("/api/0/issues/:id/external-issues/", async (request) => {
    const org = await requireOrganization(app, request);
    const raw = (request.params as { id: string }).id;
    const group = /^\d{1,15}$/.test(raw) ? await findGroupInOrganization(app.store.db, org.id, Number(raw)) : undefined;
    if (!group) throw notFound("issue_not_found");
    const rows = await listGroupExternalIssues(app.store.db, group.id, org.id);
    return rows.map((r): z.infer<typeof externalIssueSchema> => ({
      id: String(r.id),
      key: r.key,
      title: r.title,
      url: metadataUrl(r.metadata),
      integrationId: String(r.integrationId),
      integrationName: r.integrationName,
      provider: r.provider,
      displayName: `${r.integrationName} ${r.key}`,
      dateLinked: r.dateLinked,
    }));
  });
}
