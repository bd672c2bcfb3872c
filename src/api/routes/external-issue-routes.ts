import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { App } from "../../app.js";
import { AppError, isAppError, validationError } from "../../domain/errors.js";
import { isoNow } from "../../platform/clock.js";
import { recordActivity } from "../../store/activity.js";
import { linkExternalIssue, listLinkedTickets, unlinkExternalIssue } from "../../store/external-issues.js";
import { findGroupInOrganization, type GroupView } from "../../store/groups.js";
import { ticketProviderFor, type TicketProvider, type TicketSummary } from "../../sync/tickets/ticket-provider.js";
import { requireOrganization, type AuthenticatedOrganization } from "../auth/require-organization.js";
import { describeRoute } from "../openapi/registry.js";
import { text } from "../schemas/text.js";

const params = z.object({ id: z.string().regex(/^\d+$/, "A valid integer is required."), integrationId: z.string().regex(/^\d+$/, "A valid integer is required.") });
const groupParams = z.object({ id: z.string().regex(/^\d+$/, "A valid integer is required.") });
const linkBody = z.object({ action: z.literal("link").optional(), externalIssue: text().min(1).max(200), comment: text().max(5000).optional() }).strict();
const createBody = z
  .object({ action: z.literal("create"), title: text().min(1).max(255).optional(), description: text().max(65_000).optional(), repo: text().max(200).optional(), project: text().max(200).optional() })
  .strict();
const postBody = z.discriminatedUnion("action", [createBody, linkBody.extend({ action: z.literal("link") })]);
const searchQuery = z.object({ action: z.enum(["link", "create"]).optional(), query: text().max(200).optional(), repo: text().max(200).optional(), project: text().max(200).optional() });
const linkedTicketSchema = z.object({
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
const unlinkQuery = z.object({ externalIssue: z.string().regex(/^\d+$/, "A valid integer is required.") });

interface Target {
  group: GroupView;
  integration: { id: number; provider: string; name: string };
  config: Record<string, unknown>;
  tickets: TicketProvider;
}

async function loadGroup(app: App, org: AuthenticatedOrganization, id: string): Promise<GroupView> {
  const group = await findGroupInOrganization(app.store.db, org.id, Number(id));
  if (!group) throw new AppError("not_found", "issue_not_found", "The requested resource does not exist");
  return group;
}

/** The group and an integration installed and active on its organization, with that provider's ticket client. */
async function loadTarget(app: App, org: AuthenticatedOrganization, raw: unknown): Promise<Target> {
  const parsed = params.safeParse(raw);
  if (!parsed.success) throw new AppError("not_found", "issue_not_found", "The requested resource does not exist");
  const group = await loadGroup(app, org, parsed.data.id);
  const integrationId = Number(parsed.data.integrationId);
  // Past 2^53 the id is no integration of ours (and past 2^63 PostgreSQL would refuse the parameter).
  if (!Number.isSafeInteger(integrationId)) throw new AppError("not_found", "integration_not_found", "Integration not found");
  const row = await app.store.db
    .selectFrom("organization_integrations")
    .innerJoin("integrations", "integrations.id", "organization_integrations.integration_id")
    .select(["integrations.id as id", "integrations.provider as provider", "integrations.name as name", "organization_integrations.config as config"])
    .where("organization_integrations.organization_id", "=", org.id)
    .where("integrations.id", "=", integrationId)
    .where("organization_integrations.status", "=", "active")
    .where("integrations.status", "=", "active")
    .executeTakeFirst();
  if (!row) throw new AppError("not_found", "integration_not_found", "Integration not found");
  const tickets = await ticketProviderFor(row.provider, row.id);
  if (!tickets) throw new AppError("validation", "integration_cannot_link", `${row.provider} integrations cannot link tickets`);
  return { group, integration: { id: row.id, provider: row.provider, name: row.name }, config: JSON.parse(row.config) as Record<string, unknown>, tickets };
}

/** A ticket the provider says does not exist is the client's mistake (400 on the field), not an outage. */
async function getExistingTicket(tickets: TicketProvider, key: string): Promise<TicketSummary> {
  try {
    return await tickets.getTicket(key);
  } catch (error) {
    if (isAppError(error) && (error.kind === "not_found" || error.detail?.status === 404 || error.kind === "validation")) {
      throw validationError({ externalIssue: [`No ticket ${key} was found: ${error.message}`] }, "external_issue_not_found");
    }
    throw error;
  }
}

async function linkTicket(app: App, org: AuthenticatedOrganization, target: Target, ticket: TicketSummary, created: boolean, userId: number | null) {
  const now = isoNow(app.clock);
  const { externalIssueId, created: newLink } = await linkExternalIssue(app.store.db, { id: target.group.id, projectId: target.group.project.id }, {
    organizationId: org.id,
    integrationId: target.integration.id,
    key: ticket.key,
    title: ticket.title,
    description: ticket.description ?? null,
    metadata: { url: ticket.url, status: ticket.status },
    now,
  });
  if (newLink) {
    await recordActivity(app.store.db, {
      projectId: target.group.project.id,
      groupId: target.group.id,
      type: "create_issue",
      userId,
      data: { provider: target.integration.provider, integrationId: target.integration.id, label: ticket.key, title: ticket.title, location: ticket.url, new: created },
      datetime: now,
    });
  }
  return { id: externalIssueId, key: ticket.key, title: ticket.title, url: ticket.url, status: ticket.status, integrationId: target.integration.id, provider: target.integration.provider, new: created };
}

function describeRoutes(): void {
  const tag = "external issues";
  describeRoute({ method: "get", path: "/api/0/issues/:id/external-issues/", summary: "The tickets an issue is linked to, with their integration", tag, params: groupParams, response: z.array(linkedTicketSchema) });
  describeRoute({ method: "get", path: "/api/0/issues/:id/integrations/:integrationId/", summary: "Search the provider's tickets to link (action=link, query)", tag, params, query: searchQuery });
  describeRoute({ method: "post", path: "/api/0/issues/:id/integrations/:integrationId/", summary: "Create a ticket from the issue (action=create) or link an existing one (action=link)", tag, params, body: postBody });
  describeRoute({ method: "put", path: "/api/0/issues/:id/integrations/:integrationId/", summary: "Link an existing ticket (Sentry-compatible form of action=link)", tag, params, body: linkBody });
  describeRoute({ method: "delete", path: "/api/0/issues/:id/integrations/:integrationId/", summary: "Unlink a ticket (externalIssue = the link's id)", tag, params, query: unlinkQuery });
}

/** Linking groups to tickets: list, search, create, link, unlink (§4, issue sync's entry point). */
export function registerExternalIssueRoutes(server: FastifyInstance, app: App): void {
  describeRoutes();
  const base = "/api/0/issues/:id/integrations/:integrationId/";

  server.get("/api/0/issues/:id/external-issues/", async (request) => {
    const org = await requireOrganization(app, request);
    const parsed = groupParams.safeParse(request.params);
    if (!parsed.success) throw new AppError("not_found", "issue_not_found", "The requested resource does not exist");
    const group = await loadGroup(app, org, parsed.data.id);
    const rows = await listLinkedTickets(app.store.db, group.id);
    return rows.map((r): z.infer<typeof linkedTicketSchema> => ({
      id: String(r.externalIssueId),
      key: r.key,
      title: r.title,
      url: r.url !== null && /^https?:\/\//.test(r.url) ? r.url : null,
      integrationId: String(r.integrationId),
      integrationName: r.integrationName,
      provider: r.provider,
      displayName: `${r.integrationName} ${r.key}`,
      dateLinked: r.dateAdded,
    }));
  });

  server.get(base, async (request) => {
    const org = await requireOrganization(app, request);
    const target = await loadTarget(app, org, request.params);
    const query = searchQuery.parse(request.query ?? {});
    const integration = target.integration;
    if (!query.query) return { integration, action: query.action ?? "link", results: [] };
    const config = { ...target.config, ...(query.repo ? { repo: query.repo } : {}), ...(query.project ? { project: query.project } : {}) };
    const results = await target.tickets.searchTickets(query.query, config, 25);
    return { integration, action: "link", results };
  });

  const link = async (org: AuthenticatedOrganization, target: Target, key: string, userId: number | null) => linkTicket(app, org, target, await getExistingTicket(target.tickets, key), false, userId);

  server.post(base, async (request, reply) => {
    const org = await requireOrganization(app, request);
    const target = await loadTarget(app, org, request.params);
    const body = postBody.parse(request.body ?? {});
    const userId = org.userId ?? null;
    if (body.action === "link") return reply.code(201).send(await link(org, target, body.externalIssue, userId));
    const groupUrl = `${app.config.publicUrl}/organizations/${org.slug}/issues/${target.group.id}/`;
    const description = body.description ?? `${target.group.culprit ? `${target.group.culprit}\n\n` : ""}Linked from Switchboard: ${groupUrl}`;
    const ticket = await target.tickets.createTicket({ title: body.title ?? target.group.title, description, container: body.repo ?? body.project }, target.config);
    return reply.code(201).send(await linkTicket(app, org, target, ticket, true, userId));
  });

  server.put(base, async (request, reply) => {
    const org = await requireOrganization(app, request);
    const target = await loadTarget(app, org, request.params);
    const body = linkBody.parse(request.body ?? {});
    return reply.code(201).send(await link(org, target, body.externalIssue, org.userId ?? null));
  });

  server.delete(base, async (request, reply) => {
    const org = await requireOrganization(app, request);
    const target = await loadTarget(app, org, request.params);
    const query = unlinkQuery.parse(request.query ?? {});
    const linked = await listLinkedTickets(app.store.db, target.group.id);
    const ticket = linked.find((t) => t.externalIssueId === Number(query.externalIssue) && t.integrationId === target.integration.id);
    if (!ticket) throw new AppError("not_found", "external_issue_not_found", "This issue is not linked to that ticket");
    await unlinkExternalIssue(app.store.db, target.group.id, ticket.externalIssueId);
    return reply.code(204).send();
  });
}
