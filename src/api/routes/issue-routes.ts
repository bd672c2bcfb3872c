import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { App } from "../../app.js";
import { AppError, validationError } from "../../domain/errors.js";
import { listActivity } from "../../store/activity.js";
import { findGroupInOrganization } from "../../store/groups.js";
import { listSyncLog } from "../../store/sync-log.js";
import { assign } from "../../sync/assignment/assign.js";
import { deassign } from "../../sync/assignment/deassign.js";
import type { Assignee } from "../../sync/assignment/types.js";
import { setGroupStatus } from "../../sync/status/set-group-status.js";
import { syncContext } from "../../sync/sync-context.js";
import { requireOrganization, type AuthenticatedOrganization } from "../auth/require-organization.js";
import { describeRoute } from "../openapi/registry.js";
import { serializeGroup } from "../serializers/group.js";
import { text } from "../schemas/text.js";

const idParam = z.object({ id: z.string().regex(/^\d+$/, "A valid integer is required.") });

const updateBody = z
  .object({
    status: z.enum(["resolved", "unresolved", "ignored"]).optional(),
    assignedTo: text().max(200).nullable().optional(),
  })
  .strict();

async function loadGroup(app: App, org: AuthenticatedOrganization, rawId: unknown) {
  const parsed = idParam.safeParse(rawId);
  const group = parsed.success ? await findGroupInOrganization(app.store.db, org.id, Number(parsed.data.id)) : undefined;
  if (!group) throw new AppError("not_found", "issue_not_found", "The requested resource does not exist");
  return group;
}

/**
 * `assignedTo` as Sentry accepts it: `user:ID`, `team:ID`, a username or an email (members of the
 * organization only), or null / "" to unassign.
 */
async function resolveAssignee(app: App, org: AuthenticatedOrganization, value: string): Promise<Assignee> {
  const db = app.store.db;
  const invalid = () => validationError({ assignedTo: ["Unknown actor input"] }, "unknown_actor");
  const typed = /^(user|team):(\d+)$/.exec(value);
  if (typed?.[1] === "team") {
    const team = await db.selectFrom("teams").select("id").where("id", "=", Number(typed[2])).where("organization_id", "=", org.id).executeTakeFirst();
    if (!team) throw invalid();
    return { type: "team", id: team.id };
  }
  const member = db
    .selectFrom("organization_members")
    .innerJoin("users", "users.id", "organization_members.user_id")
    .select("users.id")
    .where("organization_members.organization_id", "=", org.id)
    .where("users.is_active", "=", 1);
  let row: { id: number } | undefined;
  if (typed?.[1] === "user") row = await member.where("users.id", "=", Number(typed[2])).executeTakeFirst();
  else if (value.includes("@")) {
    row = await member
      .innerJoin("user_emails", "user_emails.user_id", "users.id")
      .where((eb) => eb(eb.fn("lower", ["user_emails.email"]), "=", value.toLowerCase()))
      .executeTakeFirst();
  } else row = await member.where((eb) => eb(eb.fn("lower", ["users.username"]), "=", value.toLowerCase())).executeTakeFirst();
  if (!row) throw invalid();
  return { type: "user", id: row.id };
}

/** Issue detail, status and assignment, its activity and its per-link sync log. */
export function registerIssueRoutes(server: FastifyInstance, app: App): void {
  server.get("/api/0/issues/:id/", async (request) => {
    const org = await requireOrganization(app, request);
    const group = await loadGroup(app, org, request.params);
    return serializeGroup(app.store.db, group, app.config.publicUrl, org.slug);
  });

  server.put("/api/0/issues/:id/", async (request) => {
    const org = await requireOrganization(app, request);
    const group = await loadGroup(app, org, request.params);
    const body = updateBody.parse(request.body ?? {});
    const ctx = syncContext(app);
    const ref = { id: group.id, projectId: group.project.id, organizationId: org.id };
    // The session's member is who did it (the timeline names them); an API token acts as no one.
    const acting = { actingUserId: org.userId };
    if (body.assignedTo !== undefined) {
      if (body.assignedTo === null || body.assignedTo === "") await deassign(ctx, ref, acting);
      else await assign(ctx, ref, await resolveAssignee(app, org, body.assignedTo), acting);
    }
    if (body.status) await setGroupStatus(ctx, ref, body.status, acting);
    const updated = await findGroupInOrganization(app.store.db, org.id, group.id);
    return serializeGroup(app.store.db, updated!, app.config.publicUrl, org.slug);
  });

  describeRoute({
    method: "get",
    path: "/api/0/issues/:id/activities/",
    summary: "An issue's activity (assignments, status changes, regressions), newest first",
    tag: "issues",
    params: z.object({ id: z.string() }),
  });
  server.get("/api/0/issues/:id/activities/", async (request) => {
    const org = await requireOrganization(app, request);
    const group = await loadGroup(app, org, request.params);
    const activity = await listActivity(app.store.db, group.id);
    return {
      activity: activity.map((a) => ({
        id: String(a.id),
        type: a.type,
        data: a.data,
        dateCreated: a.datetime,
        user: a.userId === null ? null : { id: String(a.userId) },
      })),
    };
  });

  describeRoute({
    method: "get",
    path: "/api/0/issues/:id/integrations/:integrationId/sync-log/",
    summary: "Every inbound and outbound sync attempt on the issue's link with one integration, and why it did or did not apply",
    tag: "sync",
    params: z.object({ id: z.string(), integrationId: z.string() }),
  });
  server.get("/api/0/issues/:id/integrations/:integrationId/sync-log/", async (request) => {
    const org = await requireOrganization(app, request);
    const group = await loadGroup(app, org, request.params);
    const integrationId = Number((request.params as { integrationId: string }).integrationId);
    if (!Number.isSafeInteger(integrationId)) throw new AppError("not_found", "integration_not_found", "The requested resource does not exist");
    const entries = await listSyncLog(app.store.db, group.id, integrationId);
    return entries.map((e) => ({ ...e, id: String(e.id) }));
  });
}
