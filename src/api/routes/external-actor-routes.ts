import type { FastifyInstance, FastifyRequest } from "fastify";
import type { App } from "../../app.js";
import { AppError, validationError } from "../../domain/errors.js";
import { isFeatureEnabled } from "../../domain/features.js";
import { isoNow } from "../../platform/clock.js";
import {
  deleteExternalActor,
  findExternalActor,
  getOrCreateExternalActor,
  listExternalActors,
  updateExternalActor,
  type ExternalActor,
  type ExternalActorFields,
} from "../../store/external-actors.js";
import { listUnresolvedIdentities } from "../../store/unresolved-identities.js";
import { isUniqueViolation } from "../../store/unique-violation.js";
import { applyPendingIdentities } from "../../sync/external-actors/apply-pending-identities.js";
import { externalActorFieldErrors } from "../../sync/external-actors/external-actor-rules.js";
import { syncContext } from "../../sync/sync-context.js";
import { z } from "zod";
import { assertOrganizationSlug, requireOrganization, type AuthenticatedOrganization } from "../auth/require-organization.js";
import { describeRoute } from "../openapi/registry.js";

type Kind = "user" | "team";

function serialize(actor: ExternalActor, kind: Kind) {
  return {
    id: String(actor.id),
    externalName: actor.externalName,
    provider: actor.provider,
    integrationId: String(actor.integrationId),
    ...(actor.externalId !== null ? { externalId: actor.externalId } : {}),
    ...(kind === "user" ? { userId: String(actor.userId) } : { teamId: String(actor.teamId) }),
  };
}

async function authorize(app: App, request: FastifyRequest): Promise<AuthenticatedOrganization> {
  const org = await requireOrganization(app, request);
  assertOrganizationSlug(org, (request.params as { org: string }).org);
  if (!isFeatureEnabled(org.features, "integrations-codeowners")) {
    throw new AppError("forbidden", "feature_disabled", "You do not have permission to perform this action.");
  }
  return org;
}

/** §10's validation, including the checks that need the store; returns the fields to save. */
async function validate(app: App, org: AuthenticatedOrganization, kind: Kind, body: unknown): Promise<ExternalActorFields> {
  const input = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  const errors = externalActorFieldErrors(input, true);
  const actorField = kind === "user" ? "userId" : "teamId";
  const actorValue = input[actorField];
  if (actorValue === undefined || actorValue === null || actorValue === "") (errors[actorField] ??= []).push("This field is required.");
  if (Object.keys(errors).length) throw validationError(errors);

  const db = app.store.db;
  const integrationId = Number(input.integrationId);
  const installed = await db
    .selectFrom("organization_integrations")
    .select("id")
    .where("organization_id", "=", org.id)
    .where("integration_id", "=", integrationId)
    .executeTakeFirst();
  if (!installed) errors.integrationId = ["Integration does not exist for this organization"];
  const actorId = /^\d+$/.test(String(actorValue)) ? Number(actorValue) : NaN;
  if (kind === "user") {
    const member = Number.isSafeInteger(actorId)
      ? await db.selectFrom("organization_members").select("id").where("organization_id", "=", org.id).where("user_id", "=", actorId).executeTakeFirst()
      : undefined;
    if (!member) errors.userId = ["This member does not exist."];
  } else {
    const team = Number.isSafeInteger(actorId)
      ? await db.selectFrom("teams").select("id").where("organization_id", "=", org.id).where("id", "=", actorId).executeTakeFirst()
      : undefined;
    if (!team) errors.teamId = ["This team does not exist."];
  }
  if (Object.keys(errors).length) throw validationError(errors);
  const externalId = typeof input.externalId === "string" && input.externalId !== "" ? input.externalId : null;
  return {
    organizationId: org.id,
    integrationId,
    provider: String(input.provider),
    externalName: String(input.externalName),
    externalId,
    userId: kind === "user" ? actorId : null,
    teamId: kind === "team" ? actorId : null,
  };
}

function actorId(request: FastifyRequest): number {
  const raw = (request.params as { id: string }).id;
  if (!/^\d+$/.test(raw)) throw new AppError("not_found", "external_actor_not_found", "The requested resource does not exist");
  return Number(raw);
}

/** External users and teams (§10) and the unresolved-identities queue they resolve. */
export function registerExternalActorRoutes(server: FastifyInstance, app: App): void {
  for (const kind of ["user", "team"] as const) {
    const base = `/api/0/organizations/:org/external-${kind}s/`;
    const body = z.object({
      externalName: z.string().describe("The name at the provider; `@login` for GitHub and GitLab"),
      provider: z.string().describe("github, github_enterprise, gitlab, slack, msteams, custom, vsts, jira_server, bitbucket"),
      integrationId: z.string(),
      externalId: z.string().max(64).optional(),
      ...(kind === "user" ? { userId: z.string() } : { teamId: z.string() }),
    });
    const params = z.object({ org: z.string() });
    const idParams = z.object({ org: z.string(), id: z.string() });
    describeRoute({ method: "get", path: base, summary: `List external ${kind}s`, tag: "external-actors", params });
    describeRoute({ method: "post", path: base, summary: `Map a provider name to a ${kind} (201; 200 for an identical mapping)`, tag: "external-actors", params, body, status: 201 });
    describeRoute({ method: "put", path: `${base}:id/`, summary: `Change an external ${kind}`, tag: "external-actors", params: idParams, body });
    describeRoute({ method: "delete", path: `${base}:id/`, summary: `Delete an external ${kind}`, tag: "external-actors", params: idParams, status: 204 });

    server.get(base, async (request) => {
      const org = await authorize(app, request);
      return (await listExternalActors(app.store.db, org.id, kind)).map((a) => serialize(a, kind));
    });

    server.post(base, async (request, reply) => {
      const org = await authorize(app, request);
      const fields = await validate(app, org, kind, request.body);
      const { actor, created } = await getOrCreateExternalActor(app.store.db, fields, isoNow(app.clock));
      if (created && kind === "user") await applyPendingIdentities(syncContext(app), org.id, actor.integrationId, actor.externalName);
      return reply.status(created ? 201 : 200).send(serialize(actor, kind));
    });

    server.put(`${base}:id/`, async (request) => {
      const org = await authorize(app, request);
      const existing = await findExternalActor(app.store.db, org.id, actorId(request), kind);
      if (!existing) throw new AppError("not_found", "external_actor_not_found", "The requested resource does not exist");
      const fields = await validate(app, org, kind, request.body);
      try {
        const actor = await updateExternalActor(app.store.db, existing.id, fields);
        if (kind === "user") await applyPendingIdentities(syncContext(app), org.id, actor.integrationId, actor.externalName);
        return serialize(actor, kind);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw validationError({ non_field_errors: ["There already exists an external association with this external_name and provider."] }, "external_actor_exists");
      }
    });

    server.delete(`${base}:id/`, async (request, reply) => {
      const org = await authorize(app, request);
      const existing = await findExternalActor(app.store.db, org.id, actorId(request), kind);
      if (!existing) throw new AppError("not_found", "external_actor_not_found", "The requested resource does not exist");
      await deleteExternalActor(app.store.db, existing.id);
      return reply.status(204).send();
    });
  }

  describeRoute({
    method: "get",
    path: "/api/0/organizations/:org/unresolved-identities/",
    summary: "Provider names that matched no member; map one with an external user and its waiting change applies",
    tag: "sync",
    params: z.object({ org: z.string() }),
  });
  server.get("/api/0/organizations/:org/unresolved-identities/", async (request) => {
    const org = await requireOrganization(app, request);
    assertOrganizationSlug(org, (request.params as { org: string }).org);
    const rows = await listUnresolvedIdentities(app.store.db, org.id);
    return rows.map((r) => ({
      id: String(r.id),
      integrationId: String(r.integration_id),
      provider: r.provider,
      kind: r.kind,
      value: r.value,
      externalIssueKey: r.external_issue_key,
      occurrences: r.occurrences,
      firstSeen: r.first_seen,
      lastSeen: r.last_seen,
    }));
  });
}
