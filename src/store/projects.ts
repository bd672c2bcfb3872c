import type { App } from "../app.js";
import { AppError, isAppError, validationError } from "../domain/errors.js";
import { chooseSlug, RESERVED_PROJECT_SLUGS, validateExplicitSlug } from "../domain/slug.js";
import { isoNow } from "../platform/clock.js";
import { removeProjectNotificationSettings } from "./notification-settings.js";
import { writeOutbox } from "./outbox.js";
import { createProjectKey } from "./project-keys.js";
import { saveWithSnowflakeId } from "./snowflake-save.js";

/** §11.1: longest project slug. */
export const PROJECT_SLUG_MAX_LENGTH = 50;
/** §11.1: the slug lock lives 5 s and is waited for up to 10 s. */
const SLUG_LOCK_TTL_MS = 5_000;
const SLUG_LOCK_WAIT_MS = 10_000;

export interface ProjectRow {
  id: number;
  organizationId: number;
  slug: string;
  name: string;
  platform: string | null;
  status: string;
  dateAdded: string;
}

const columns = ["id", "organization_id", "slug", "name", "platform", "status", "date_added"] as const;

function toProject(r: { id: number; organization_id: number; slug: string; name: string; platform: string | null; status: string; date_added: string }): ProjectRow {
  return { id: r.id, organizationId: r.organization_id, slug: r.slug, name: r.name, platform: r.platform, status: r.status, dateAdded: r.date_added };
}

/** Whether a project slug is used in the organization, regardless of case. */
export async function isProjectSlugTaken(app: App, organizationId: number, slug: string): Promise<boolean> {
  const row = await app.store.db
    .selectFrom("projects")
    .select("id")
    .where("organization_id", "=", organizationId)
    .where((eb) => eb(eb.fn("lower", ["slug"]), "=", slug.toLowerCase()))
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * `Project.save()` (§11.1, D12): an explicit slug is validated and must be free (409 otherwise); without
 * one the slug is chosen from the name under the lock `slug:project:{organization_id}`. The row is saved
 * with a snowflake id (§11.2), linked to its team and given a default key.
 */
export async function createProject(
  app: App,
  input: { organizationId: number; teamId?: number; name: string; slug?: string; platform?: string | null },
): Promise<ProjectRow> {
  const now = isoNow(app.clock);
  const insert = (slug: string) =>
    saveWithSnowflakeId(app.ids, "project", (id) =>
      app.store.db.transaction().execute(async (tx) => {
        const row = { id, organization_id: input.organizationId, slug, name: input.name, platform: input.platform ?? null, status: "active", group_counter: 0, date_added: now };
        await tx.insertInto("projects").values(row).execute();
        if (input.teamId !== undefined) await tx.insertInto("project_teams").values({ project_id: id, team_id: input.teamId }).execute();
        await createProjectKey(tx, id, "Default", now);
        return toProject(row);
      }),
    );

  if (input.slug !== undefined) {
    const problem = validateExplicitSlug(input.slug, PROJECT_SLUG_MAX_LENGTH, RESERVED_PROJECT_SLUGS);
    if (problem) throw validationError({ slug: [problem] });
    if (await isProjectSlugTaken(app, input.organizationId, input.slug)) {
      throw new AppError("conflict", "project_slug_taken", "A project with this slug already exists.");
    }
    try {
      return await insert(input.slug);
    } catch (error) {
      // A concurrent creation took the slug between the check and the insert: say so, not "retry".
      if (isAppError(error, "snowflake_retry_exhausted") && (await isProjectSlugTaken(app, input.organizationId, input.slug))) {
        throw new AppError("conflict", "project_slug_taken", "A project with this slug already exists.");
      }
      throw error;
    }
  }

  const lease = await app.platform.lock.acquire(`slug:project:${input.organizationId}`, { ttlMs: SLUG_LOCK_TTL_MS, waitMs: SLUG_LOCK_WAIT_MS });
  if (!lease) throw new AppError("conflict", "project_slug_lock_busy", "Another project is being created in this organization; try again in a second.");
  try {
    const slug = await chooseSlug(input.name, (s) => isProjectSlugTaken(app, input.organizationId, s), PROJECT_SLUG_MAX_LENGTH, RESERVED_PROJECT_SLUGS);
    return await insert(slug);
  } finally {
    await app.platform.lock.release(lease);
  }
}

/** The organization's projects, by slug. */
export async function listProjects(app: App, organizationId: number): Promise<ProjectRow[]> {
  const rows = await app.store.db.selectFrom("projects").select(columns).where("organization_id", "=", organizationId).orderBy("slug").execute();
  return rows.map(toProject);
}

/** A team's projects, by slug. */
export async function listTeamProjects(app: App, teamId: number): Promise<ProjectRow[]> {
  const rows = await app.store.db
    .selectFrom("projects")
    .innerJoin("project_teams", "project_teams.project_id", "projects.id")
    .select(columns.map((c) => `projects.${c}` as const))
    .where("project_teams.team_id", "=", teamId)
    .orderBy("projects.slug")
    .execute();
  return rows.map(toProject);
}

/** A project of the organization by slug (case-insensitive), or undefined. */
export async function findProjectBySlug(app: App, organizationId: number, slug: string): Promise<ProjectRow | undefined> {
  const row = await app.store.db
    .selectFrom("projects")
    .select(columns)
    .where("organization_id", "=", organizationId)
    .where((eb) => eb(eb.fn("lower", ["slug"]), "=", slug.toLowerCase()))
    .executeTakeFirst();
  return row ? toProject(row) : undefined;
}

/** Slugs of the teams that have access to a project. */
export async function projectTeams(app: App, projectId: number): Promise<{ id: number; slug: string; name: string }[]> {
  return app.store.db
    .selectFrom("teams")
    .innerJoin("project_teams", "project_teams.team_id", "teams.id")
    .select(["teams.id as id", "teams.slug as slug", "teams.name as name"])
    .where("project_teams.project_id", "=", projectId)
    .orderBy("teams.slug")
    .execute();
}

/**
 * `Project.delete()` (§11.3): notification settings go first (Sentry does this across services, outside
 * the transaction); then one transaction writes the PROJECT_UPDATE outbox row and deletes the project.
 */
export async function deleteProject(app: App, project: { id: number; organizationId: number; slug: string }): Promise<void> {
  await removeProjectNotificationSettings(app.store.db, project.id);
  const now = isoNow(app.clock);
  await app.store.db.transaction().execute(async (tx) => {
    await writeOutbox(
      tx,
      { shardScope: "ORGANIZATION_SCOPE", shardIdentifier: project.organizationId, category: "PROJECT_UPDATE", objectIdentifier: project.id, payload: { slug: project.slug, deleted: true } },
      now,
    );
    await tx.deleteFrom("projects").where("id", "=", project.id).execute();
  });
}
