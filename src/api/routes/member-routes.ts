import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { App } from "../../app.js";
import { createMember, deleteMember, findMember, listMembers, type MemberRow } from "../../store/members.js";
import { assertOrganizationSlug, requireOrganization } from "../auth/require-organization.js";
import { describeRoute } from "../openapi/registry.js";
import { text } from "../schemas/text.js";
import { notFound } from "./lookup.js";

const orgParams = z.object({ org: z.string() });
const memberParams = z.object({ org: z.string(), memberId: z.string() });
const createBody = z
  .object({
    email: z.email("Enter a valid email address.").max(200),
    name: text().max(200).optional(),
    role: z.enum(["member", "admin", "manager", "owner", "billing"]).default("member"),
  })
  .strict();

export const memberSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.string(),
  dateCreated: z.string(),
  user: z.object({ id: z.string(), username: z.string(), email: z.string(), name: z.string() }),
});

function serializeMember(m: MemberRow): z.infer<typeof memberSchema> {
  const name = m.name || m.email;
  return { id: String(m.id), email: m.email, name, role: m.role, dateCreated: m.dateCreated, user: { id: String(m.userId), username: m.username, email: m.email, name } };
}

function parseMemberId(raw: string): number {
  if (!/^\d{1,15}$/.test(raw)) throw notFound("member_not_found");
  return Number(raw);
}

/** Organization members: list, invite (creates the user with a verified email), get, remove. */
export function registerMemberRoutes(server: FastifyInstance, app: App): void {
  describeRoute({ method: "get", path: "/api/0/organizations/:org/members/", summary: "List members", tag: "members", params: orgParams, response: z.array(memberSchema) });
  server.get("/api/0/organizations/:org/members/", async (request) => {
    const org = await requireOrganization(app, request);
    assertOrganizationSlug(org, orgParams.parse(request.params).org);
    return (await listMembers(app, org.id)).map(serializeMember);
  });

  describeRoute({ method: "post", path: "/api/0/organizations/:org/members/", summary: "Add a member by email", tag: "members", params: orgParams, body: createBody, response: memberSchema, status: 201 });
  server.post("/api/0/organizations/:org/members/", async (request, reply) => {
    const org = await requireOrganization(app, request);
    assertOrganizationSlug(org, orgParams.parse(request.params).org);
    const body = createBody.parse(request.body ?? {});
    const member = await createMember(app, org.id, body);
    return reply.code(201).send(serializeMember(member));
  });

  describeRoute({ method: "get", path: "/api/0/organizations/:org/members/:memberId/", summary: "Retrieve a member", tag: "members", params: memberParams, response: memberSchema.extend({ teams: z.array(text()) }) });
  server.get("/api/0/organizations/:org/members/:memberId/", async (request) => {
    const org = await requireOrganization(app, request);
    const params = memberParams.parse(request.params);
    assertOrganizationSlug(org, params.org);
    const member = await findMember(app, org.id, parseMemberId(params.memberId));
    if (!member) throw notFound("member_not_found");
    const teams = await app.store.db
      .selectFrom("team_members")
      .innerJoin("teams", "teams.id", "team_members.team_id")
      .select("teams.slug")
      .where("team_members.member_id", "=", member.id)
      .orderBy("teams.slug")
      .execute();
    return { ...serializeMember(member), teams: teams.map((t) => t.slug) };
  });

  describeRoute({ method: "delete", path: "/api/0/organizations/:org/members/:memberId/", summary: "Remove a member", tag: "members", params: memberParams, status: 204 });
  server.delete("/api/0/organizations/:org/members/:memberId/", async (request, reply) => {
    const org = await requireOrganization(app, request);
    const params = memberParams.parse(request.params);
    assertOrganizationSlug(org, params.org);
    if (!(await deleteMember(app, org.id, parseMemberId(params.memberId)))) throw notFound("member_not_found");
    return reply.code(204).send();
  });
}
