import type { Kysely } from "kysely";
import type { Database } from "../../src/store/schema.js";

let nextSnowflake = 1000;
const now = () => new Date().toISOString();

/** Minimal tracker rows written straight to the store, for tests of modules below the API. */
export async function createOrganization(db: Kysely<Database>, slug = `org-${nextSnowflake}`, features: Record<string, boolean> = {}) {
  const id = nextSnowflake++;
  await db.insertInto("organizations").values({ id, slug, name: slug, status: "active", features: JSON.stringify(features), date_added: now() }).execute();
  return { id, slug };
}

export async function createProject(db: Kysely<Database>, organizationId: number, slug = `proj-${nextSnowflake}`) {
  const id = nextSnowflake++;
  await db.insertInto("projects").values({ id, organization_id: organizationId, slug, name: slug, platform: null, status: "active", group_counter: 0, date_added: now() }).execute();
  return { id, organizationId, slug };
}

export async function createTeam(db: Kysely<Database>, organizationId: number, slug = `team-${nextSnowflake}`) {
  const id = nextSnowflake++;
  await db.insertInto("teams").values({ id, organization_id: organizationId, slug, name: slug, status: "active", date_added: now() }).execute();
  return { id, organizationId, slug };
}

/** A user with one email, member of the organization, optionally of teams. */
export async function createMember(
  db: Kysely<Database>,
  organizationId: number,
  options: { username?: string; email?: string; verified?: boolean; teams?: number[]; joined?: string } = {},
) {
  const username = options.username ?? `user${nextSnowflake++}`;
  const user = await db
    .insertInto("users")
    .values({ username, name: username, password_hash: null, is_active: 1, date_joined: now() })
    .returning("id")
    .executeTakeFirstOrThrow();
  const email = options.email ?? `${username}@example.com`;
  await db.insertInto("user_emails").values({ user_id: user.id, email, is_verified: options.verified === false ? 0 : 1, date_added: now() }).execute();
  const member = await db
    .insertInto("organization_members")
    .values({ organization_id: organizationId, user_id: user.id, role: "member", date_added: options.joined ?? now() })
    .returning("id")
    .executeTakeFirstOrThrow();
  for (const teamId of options.teams ?? []) {
    await db.insertInto("team_members").values({ team_id: teamId, member_id: member.id, is_active: 1, date_added: now() }).execute();
  }
  return { id: user.id, memberId: member.id, email, username };
}

export async function createGroup(db: Kysely<Database>, projectId: number, options: { lastSeen?: string; title?: string } = {}) {
  const project = await db.selectFrom("projects").select(["group_counter"]).where("id", "=", projectId).executeTakeFirstOrThrow();
  const shortId = project.group_counter + 1;
  await db.updateTable("projects").set({ group_counter: shortId }).where("id", "=", projectId).execute();
  const seen = options.lastSeen ?? now();
  const row = await db
    .insertInto("groups")
    .values({
      project_id: projectId,
      short_id: shortId,
      fingerprint_hash: `fp-${projectId}-${shortId}`,
      title: options.title ?? `Error ${shortId}`,
      culprit: "",
      message: "",
      level: "error",
      status: "unresolved",
      first_seen: seen,
      last_seen: seen,
      times_seen: 1,
      resolved_at: null,
      data: "{}",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { id: row.id, projectId };
}
