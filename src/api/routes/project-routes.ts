import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { App } from "../../app.js";
import { createProject, deleteProject, listProjects, projectTeams, type ProjectRow } from "../../store/projects.js";
import { createProjectKey, listProjectKeys, type ProjectKeyRow } from "../../store/project-keys.js";
import { isoNow } from "../../platform/clock.js";
import { assertOrganizationSlug, requireOrganization } from "../auth/require-organization.js";
import { describeRoute } from "../openapi/registry.js";
import { text } from "../schemas/text.js";
import { loadProject, loadTeam } from "./lookup.js";

const orgParams = z.object({ org: z.string() });
const teamParams = z.object({ org: z.string(), team: z.string() });
const projectParams = z.object({ org: z.string(), project: z.string() });
const createBody = z
  .object({
    name: text().trim().min(1, "This field may not be blank.").max(200),
    slug: text().max(50, "Ensure this field has no more than 50 characters.").optional(),
    platform: text().max(64).nullable().optional(),
  })
  .strict();
const keyBody = z.object({ name: text().trim().min(1).max(64).optional() }).strict();

export const projectSchema = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  platform: z.string().nullable(),
  status: z.string(),
  dateCreated: z.string(),
  organization: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
  teams: z.array(z.object({ id: z.string(), slug: z.string(), name: z.string() })),
});

export const projectKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  label: z.string(),
  public: z.string(),
  secret: z.string(),
  projectId: z.string(),
  isActive: z.boolean(),
  dateCreated: z.string(),
  dsn: z.object({ public: z.string(), secret: z.string() }),
});

async function serializeProject(app: App, org: { id: number; slug: string; name: string }, p: ProjectRow): Promise<z.infer<typeof projectSchema>> {
  const teams = await projectTeams(app, p.id);
  return {
    id: String(p.id),
    slug: p.slug,
    name: p.name,
    platform: p.platform,
    status: p.status,
    dateCreated: p.dateAdded,
    organization: { id: String(org.id), slug: org.slug, name: org.name },
    teams: teams.map((t) => ({ id: String(t.id), slug: t.slug, name: t.name })),
  };
}

/** The DSN of a key: `http://<public>@host/<project_id>` from SWITCHBOARD_URL (and with the secret). */
export function buildDsn(publicUrl: string, key: { publicKey: string; secretKey: string; projectId: number }): { public: string; secret: string } {
  const url = new URL(publicUrl);
  const base = `${url.host}${url.pathname.replace(/\/$/, "")}/${key.projectId}`;
  return { public: `${url.protocol}//${key.publicKey}@${base}`, secret: `${url.protocol}//${key.publicKey}:${key.secretKey}@${base}` };
}

function serializeKey(app: App, key: ProjectKeyRow): z.infer<typeof projectKeySchema> {
  return {
    id: key.publicKey,
    name: key.label,
    label: key.label,
    public: key.publicKey,
    secret: key.secretKey,
    projectId: String(key.projectId),
    isActive: key.isActive,
    dateCreated: key.dateAdded,
    dsn: buildDsn(app.config.publicUrl, key),
  };
}

/** Projects (§11.1-11.3) and their client keys (DSNs). */
export function registerProjectRoutes(server: FastifyInstance, app: App): void {
  describeRoute({ method: "get", path: "/api/0/organizations/:org/projects/", summary: "List projects", tag: "projects", params: orgParams, response: z.array(projectSchema) });
  server.get("/api/0/organizations/:org/projects/", async (request) => {
    const org = await requireOrganization(app, request);
    assertOrganizationSlug(org, orgParams.parse(request.params).org);
    return Promise.all((await listProjects(app, org.id)).map((p) => serializeProject(app, org, p)));
  });

  describeRoute({ method: "post", path: "/api/0/teams/:org/:team/projects/", summary: "Create a project for a team (slug from the name unless given)", tag: "projects", params: teamParams, body: createBody, response: projectSchema, status: 201 });
  server.post("/api/0/teams/:org/:team/projects/", async (request, reply) => {
    const org = await requireOrganization(app, request);
    const team = await loadTeam(app, org, teamParams.parse(request.params));
    const body = createBody.parse(request.body ?? {});
    const project = await createProject(app, { organizationId: org.id, teamId: team.id, name: body.name, slug: body.slug, platform: body.platform ?? null });
    return reply.code(201).send(await serializeProject(app, org, project));
  });

  describeRoute({ method: "get", path: "/api/0/projects/:org/:project/", summary: "Retrieve a project", tag: "projects", params: projectParams, response: projectSchema });
  server.get("/api/0/projects/:org/:project/", async (request) => {
    const org = await requireOrganization(app, request);
    return serializeProject(app, org, await loadProject(app, org, projectParams.parse(request.params)));
  });

  describeRoute({ method: "delete", path: "/api/0/projects/:org/:project/", summary: "Delete a project (§11.3)", tag: "projects", params: projectParams, status: 204 });
  server.delete("/api/0/projects/:org/:project/", async (request, reply) => {
    const org = await requireOrganization(app, request);
    const project = await loadProject(app, org, projectParams.parse(request.params));
    await deleteProject(app, project);
    return reply.code(204).send();
  });

  describeRoute({ method: "get", path: "/api/0/projects/:org/:project/keys/", summary: "List a project's client keys", tag: "projects", params: projectParams, response: z.array(projectKeySchema) });
  server.get("/api/0/projects/:org/:project/keys/", async (request) => {
    const org = await requireOrganization(app, request);
    const project = await loadProject(app, org, projectParams.parse(request.params));
    return (await listProjectKeys(app.store.db, project.id)).map((k) => serializeKey(app, k));
  });

  describeRoute({ method: "post", path: "/api/0/projects/:org/:project/keys/", summary: "Create a client key", tag: "projects", params: projectParams, body: keyBody, response: projectKeySchema, status: 201 });
  server.post("/api/0/projects/:org/:project/keys/", async (request, reply) => {
    const org = await requireOrganization(app, request);
    const project = await loadProject(app, org, projectParams.parse(request.params));
    const body = keyBody.parse(request.body ?? {});
    const key = await createProjectKey(app.store.db, project.id, body.name, isoNow(app.clock));
    return reply.code(201).send(serializeKey(app, key));
  });
}
