import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { App } from "../../app.js";
import { findGroupInOrganization, listGroups } from "../../store/groups.js";
import { setGroupStatus } from "../../sync/status/set-group-status.js";
import { syncContext } from "../../sync/sync-context.js";
import { assertOrganizationSlug, requireOrganization } from "../auth/require-organization.js";
import { describeRoute } from "../openapi/registry.js";
import { text } from "../schemas/text.js";
import { serializeGroup } from "../serializers/group.js";
import { loadProject, notFound } from "./lookup.js";

const STATUSES = ["unresolved", "resolved", "ignored"] as const;
const orgParams = z.object({ org: z.string() });
const projectParams = z.object({ org: z.string(), project: z.string() });
const issueParams = z.object({ org: z.string(), id: z.string() });
const listQuery = z.object({
  query: text().max(500).optional().describe('Sentry search: `is:unresolved`, `is:resolved`, `is:ignored` and free text on the title (default "is:unresolved")'),
  status: z.enum(STATUSES).optional(),
  cursor: text().regex(/^\d+:\d+:[01]$/, "Invalid cursor").optional(),
  limit: z.coerce.number().int().min(1).max(100).default(100),
});
const updateBody = z.object({ status: z.enum(STATUSES) }).strict();

export const groupSchema = z.object({
  id: z.string(),
  shortId: z.string(),
  title: z.string(),
  culprit: z.string(),
  level: z.string(),
  status: z.string(),
  count: z.string(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  permalink: z.string(),
  project: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
  assignedTo: z.unknown().nullable(),
});

/** Sentry's search syntax, the part Switchboard understands: `is:<status>` and words of the title. */
export function parseIssueQuery(query: string): { statuses: string[]; titleWords: string[] } {
  const statuses: string[] = [];
  const titleWords: string[] = [];
  for (const token of query.match(/"[^"]*"|\S+/g) ?? []) {
    const is = /^is:(\w+)$/.exec(token);
    if (is && (STATUSES as readonly string[]).includes(is[1] as string)) statuses.push(is[1] as string);
    else if (token.startsWith('"')) titleWords.push(token.slice(1, -1));
    else titleWords.push(token);
  }
  return { statuses, titleWords: titleWords.filter((w) => w.length > 0) };
}

async function listPage(app: App, request: FastifyRequest, reply: FastifyReply, organizationId: number, orgSlug: string, projectId?: number) {
  const q = listQuery.parse(request.query ?? {});
  const parsed = parseIssueQuery(q.query ?? (q.status ? "" : "is:unresolved"));
  const statuses = q.status ? [q.status] : parsed.statuses;
  const offset = q.cursor ? Number(q.cursor.split(":")[1]) : 0;
  const page = await listGroups(app.store.db, { organizationId, projectId, statuses, titleWords: parsed.titleWords, offset, limit: q.limit });
  // Sentry's Link header: both relations always present, `results` says whether following them finds anything.
  const base = new URL(request.url, app.config.publicUrl);
  const link = (cursor: string, rel: string, results: boolean) => {
    base.searchParams.set("cursor", cursor);
    return `<${base.toString()}>; rel="${rel}"; results="${results}"; cursor="${cursor}"`;
  };
  const prev = `0:${Math.max(0, offset - q.limit)}:1`;
  const next = `0:${offset + q.limit}:0`;
  reply.header("Link", `${link(prev, "previous", offset > 0)}, ${link(next, "next", page.hasMore)}`);
  return Promise.all(page.groups.map((g) => serializeGroup(app.store.db, g, app.config.publicUrl, orgSlug)));
}

/** Issue lists per organization and per project, and the organization-scoped issue detail. */
export function registerIssueListRoutes(server: FastifyInstance, app: App): void {
  describeRoute({ method: "get", path: "/api/0/organizations/:org/issues/", summary: "List an organization's issues", tag: "issues", params: orgParams, query: listQuery, response: z.array(groupSchema) });
  server.get("/api/0/organizations/:org/issues/", async (request, reply) => {
    const org = await requireOrganization(app, request);
    assertOrganizationSlug(org, orgParams.parse(request.params).org);
    return listPage(app, request, reply, org.id, org.slug);
  });

  describeRoute({ method: "get", path: "/api/0/projects/:org/:project/issues/", summary: "List a project's issues", tag: "issues", params: projectParams, query: listQuery, response: z.array(groupSchema) });
  server.get("/api/0/projects/:org/:project/issues/", async (request, reply) => {
    const org = await requireOrganization(app, request);
    const project = await loadProject(app, org, projectParams.parse(request.params));
    return listPage(app, request, reply, org.id, org.slug, project.id);
  });

  const loadIssue = async (request: FastifyRequest) => {
    const org = await requireOrganization(app, request);
    const params = issueParams.parse(request.params);
    assertOrganizationSlug(org, params.org);
    const group = /^\d{1,15}$/.test(params.id) ? await findGroupInOrganization(app.store.db, org.id, Number(params.id)) : undefined;
    if (!group) throw notFound("issue_not_found");
    return { org, group };
  };

  describeRoute({ method: "get", path: "/api/0/organizations/:org/issues/:id/", summary: "Retrieve an issue", tag: "issues", params: issueParams, response: groupSchema });
  server.get("/api/0/organizations/:org/issues/:id/", async (request) => {
    const { org, group } = await loadIssue(request);
    return serializeGroup(app.store.db, group, app.config.publicUrl, org.slug);
  });

  describeRoute({ method: "put", path: "/api/0/organizations/:org/issues/:id/", summary: "Resolve, unresolve or ignore an issue", tag: "issues", params: issueParams, body: updateBody, response: groupSchema });
  server.put("/api/0/organizations/:org/issues/:id/", async (request) => {
    const { org, group } = await loadIssue(request);
    const body = updateBody.parse(request.body ?? {});
    await setGroupStatus(syncContext(app), { id: group.id, projectId: group.project.id, organizationId: org.id }, body.status);
    const updated = await findGroupInOrganization(app.store.db, org.id, group.id);
    return serializeGroup(app.store.db, updated!, app.config.publicUrl, org.slug);
  });

  // The unscoped detail routes live in issue-routes.ts; described here so the document is complete.
  describeRoute({ method: "get", path: "/api/0/issues/:id/", summary: "Retrieve an issue", tag: "issues", params: z.object({ id: text() }), response: groupSchema });
  describeRoute({
    method: "put",
    path: "/api/0/issues/:id/",
    summary: "Update an issue's status or assignee",
    tag: "issues",
    params: z.object({ id: z.string() }),
    body: z.object({ status: z.enum(STATUSES).optional(), assignedTo: text().nullable().optional() }).strict(),
    response: groupSchema,
  });
}
