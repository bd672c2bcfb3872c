import type { App } from "../app.js";
import { AppError, validationError } from "../domain/errors.js";
import { chooseSlug, validateExplicitSlug } from "../domain/slug.js";
import { isoNow } from "../platform/clock.js";
import { saveWithSnowflakeId } from "./snowflake-save.js";

export interface TeamRow {
  id: number;
  organizationId: number;
  slug: string;
  name: string;
  dateAdded: string;
}

const TEAM_SLUG_MAX_LENGTH = 50;

function toTeam(r: { id: number; organization_id: number; slug: string; name: string; date_added: string }): TeamRow {
  return { id: r.id, organizationId: r.organization_id, slug: r.slug, name: r.name, dateAdded: r.date_added };
}

async function slugTaken(app: App, organizationId: number, slug: string): Promise<boolean> {
  const row = await app.store.db.selectFrom("teams").select("id").where("organization_id", "=", organizationId).where("slug", "=", slug).executeTakeFirst();
  return row !== undefined;
}

/** Creates a team; an explicit slug that is taken answers 409, a derived one gets a random suffix. */
export async function createTeam(app: App, input: { organizationId: number; name?: string; slug?: string }): Promise<TeamRow> {
  let slug: string;
  if (input.slug !== undefined) {
    const problem = validateExplicitSlug(input.slug, TEAM_SLUG_MAX_LENGTH);
    if (problem) throw validationError({ slug: [problem] });
    if (await slugTaken(app, input.organizationId, input.slug)) throw new AppError("conflict", "team_slug_taken", "A team with this slug already exists.");
    slug = input.slug;
  } else {
    if (!input.name) throw validationError({ name: ["This field is required."] });
    slug = await chooseSlug(input.name, (s) => slugTaken(app, input.organizationId, s), TEAM_SLUG_MAX_LENGTH, new Set());
  }
  const name = input.name ?? slug;
  const now = isoNow(app.clock);
  return saveWithSnowflakeId(app.ids, "team", async (id) => {
    const row = { id, organization_id: input.organizationId, slug, name, status: "active", date_added: now };
    await app.store.db.insertInto("teams").values(row).execute();
    return toTeam(row);
  });
}

/** The organization's teams, by slug. */
export async function listTeams(app: App, organizationId: number): Promise<TeamRow[]> {
  const rows = await app.store.db.selectFrom("teams").selectAll().where("organization_id", "=", organizationId).orderBy("slug").execute();
  return rows.map(toTeam);
}

/** A team of the organization by slug, or undefined. */
export async function findTeamBySlug(app: App, organizationId: number, slug: string): Promise<TeamRow | undefined> {
  const row = await app.store.db.selectFrom("teams").selectAll().where("organization_id", "=", organizationId).where("slug", "=", slug.toLowerCase()).executeTakeFirst();
  return row ? toTeam(row) : undefined;
}

/** Deletes a team (its memberships, project access and assignments go with it). */
export async function deleteTeam(app: App, teamId: number): Promise<void> {
  await app.store.db.deleteFrom("teams").where("id", "=", teamId).execute();
}

/** Organization member ids of a team's members. */
export async function listTeamMemberIds(app: App, teamId: number): Promise<number[]> {
  const rows = await app.store.db.selectFrom("team_members").select("member_id").where("team_id", "=", teamId).where("is_active", "=", 1).orderBy("id").execute();
  return rows.map((r) => r.member_id);
}

/** Adds a member to a team; false when already there. */
export async function addTeamMember(app: App, teamId: number, memberId: number): Promise<boolean> {
  const existing = await app.store.db.selectFrom("team_members").select("id").where("team_id", "=", teamId).where("member_id", "=", memberId).executeTakeFirst();
  if (existing) return false;
  await app.store.db.insertInto("team_members").values({ team_id: teamId, member_id: memberId, is_active: 1, date_added: isoNow(app.clock) }).execute();
  return true;
}

/** Removes a member from a team; false when not there. */
export async function removeTeamMember(app: App, teamId: number, memberId: number): Promise<boolean> {
  const result = await app.store.db.deleteFrom("team_members").where("team_id", "=", teamId).where("member_id", "=", memberId).executeTakeFirst();
  return Number(result.numDeletedRows ?? 0) > 0;
}
