import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { App } from "../../app.js";
import { findMember, listMembers } from "../../store/members.js";
import { addTeamMember, createTeam, deleteTeam, findTeamBySlug, listTeamMemberIds, listTeams, removeTeamMember, type TeamRow } from "../../store/teams.js";
import { assertOrganizationSlug, requireOrganization } from "../auth/require-organization.js";
import { describeRoute } from "../openapi/registry.js";
import { isLookupable, text } from "../schemas/text.js";
import { loadTeam, notFound } from "./lookup.js";
import { memberSchema } from "./member-routes.js";

const orgParams = z.object({ org: z.string() });
const teamParams = z.object({ org: z.string(), team: z.string() });
const memberTeamParams = z.object({ org: z.string(), memberId: z.string(), team: z.string() });
const createBody = z
  .object({ name: text().trim().min(1).max(64).optional(), slug: text().max(50).optional() })
  .strict()
  .refine((b) => b.name !== undefined || b.slug !== undefined, { message: "A name or slug is required.", path: ["name"] });

export const teamSchema = z.object({ id: z.string(), slug: z.string(), name: z.string(), dateCreated: z.string(), memberCount: z.number() });

async function serializeTeam(app: App, team: TeamRow): Promise<z.infer<typeof teamSchema>> {
  const members = await listTeamMemberIds(app, team.id);
  return { id: String(team.id), slug: team.slug, name: team.name, dateCreated: team.dateAdded, memberCount: members.length };
}

/** Teams and team membership, on Sentry's paths. */
export function registerTeamRoutes(server: FastifyInstance, app: App): void {
  describeRoute({ method: "get", path: "/api/0/organizations/:org/teams/", summary: "List teams", tag: "teams", params: orgParams, response: z.array(teamSchema) });
  server.get("/api/0/organizations/:org/teams/", async (request) => {
    const org = await requireOrganization(app, request);
    assertOrganizationSlug(org, orgParams.parse(request.params).org);
    return Promise.all((await listTeams(app, org.id)).map((t) => serializeTeam(app, t)));
  });

  describeRoute({ method: "post", path: "/api/0/organizations/:org/teams/", summary: "Create a team", tag: "teams", params: orgParams, body: createBody, response: teamSchema, status: 201 });
  server.post("/api/0/organizations/:org/teams/", async (request, reply) => {
    const org = await requireOrganization(app, request);
    assertOrganizationSlug(org, orgParams.parse(request.params).org);
    const body = createBody.parse(request.body ?? {});
    const team = await createTeam(app, { organizationId: org.id, name: body.name, slug: body.slug });
    return reply.code(201).send(await serializeTeam(app, team));
  });

  describeRoute({ method: "get", path: "/api/0/teams/:org/:team/", summary: "Retrieve a team", tag: "teams", params: teamParams, response: teamSchema });
  server.get("/api/0/teams/:org/:team/", async (request) => {
    const org = await requireOrganization(app, request);
    return serializeTeam(app, await loadTeam(app, org, teamParams.parse(request.params)));
  });

  describeRoute({ method: "delete", path: "/api/0/teams/:org/:team/", summary: "Delete a team", tag: "teams", params: teamParams, status: 204 });
  server.delete("/api/0/teams/:org/:team/", async (request, reply) => {
    const org = await requireOrganization(app, request);
    const team = await loadTeam(app, org, teamParams.parse(request.params));
    await deleteTeam(app, team.id);
    return reply.code(204).send();
  });

  describeRoute({ method: "get", path: "/api/0/teams/:org/:team/members/", summary: "List a team's members", tag: "teams", params: teamParams, response: z.array(memberSchema) });
  server.get("/api/0/teams/:org/:team/members/", async (request) => {
    const org = await requireOrganization(app, request);
    const team = await loadTeam(app, org, teamParams.parse(request.params));
    const ids = new Set(await listTeamMemberIds(app, team.id));
    return (await listMembers(app, org.id))
      .filter((m) => ids.has(m.id))
      .map((m) => ({ id: String(m.id), email: m.email, name: m.name || m.email, role: m.role, dateCreated: m.dateCreated, user: { id: String(m.userId), username: m.username, email: m.email, name: m.name || m.email } }));
  });

  const membership = async (request: FastifyRequest) => {
    const org = await requireOrganization(app, request);
    const params = memberTeamParams.parse(request.params);
    assertOrganizationSlug(org, params.org);
    const member = /^\d{1,15}$/.test(params.memberId) ? await findMember(app, org.id, Number(params.memberId)) : undefined;
    if (!member) throw notFound("member_not_found");
    const team = isLookupable(params.team) ? await findTeamBySlug(app, org.id, params.team) : undefined;
    if (!team) throw notFound("team_not_found");
    return { member, team };
  };

  describeRoute({ method: "post", path: "/api/0/organizations/:org/members/:memberId/teams/:team/", summary: "Add a member to a team (201, or 204 when already there)", tag: "teams", params: memberTeamParams, response: teamSchema, status: 201 });
  server.post("/api/0/organizations/:org/members/:memberId/teams/:team/", async (request, reply) => {
    const { member, team } = await membership(request);
    const added = await addTeamMember(app, team.id, member.id);
    return reply.code(added ? 201 : 204).send(added ? await serializeTeam(app, team) : undefined);
  });

  describeRoute({ method: "delete", path: "/api/0/organizations/:org/members/:memberId/teams/:team/", summary: "Remove a member from a team", tag: "teams", params: memberTeamParams, response: teamSchema });
  server.delete("/api/0/organizations/:org/members/:memberId/teams/:team/", async (request) => {
    const { member, team } = await membership(request);
    await removeTeamMember(app, team.id, member.id);
    return serializeTeam(app, team);
  });
}
