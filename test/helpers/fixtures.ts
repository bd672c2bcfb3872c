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

/** An integration installed on an organization with the given sync config. */
export async function createIntegration(
  db: Kysely<Database>,
  organizationId: number,
  options: { provider?: string; externalId?: string; config?: Record<string, unknown>; metadata?: Record<string, unknown> } = {},
) {
  const ts = now();
  const integration = await db
    .insertInto("integrations")
    .values({
      provider: options.provider ?? "vsts",
      external_id: options.externalId ?? `ext-${nextSnowflake++}`,
      name: "acme",
      status: "active",
      metadata: JSON.stringify(options.metadata ?? {}),
      date_added: ts,
      date_updated: ts,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await installIntegration(db, organizationId, integration.id, options.config);
  return { id: integration.id, provider: options.provider ?? "vsts" };
}

/** Installs an existing integration on another organization. */
export async function installIntegration(db: Kysely<Database>, organizationId: number, integrationId: number, config: Record<string, unknown> = {}) {
  await db
    .insertInto("organization_integrations")
    .values({ organization_id: organizationId, integration_id: integrationId, status: "active", config: JSON.stringify(config), default_auth_id: null, date_added: now() })
    .execute();
}

/** Links a group to the external issue `key` of an integration. */
export async function linkGroup(db: Kysely<Database>, group: { id: number; projectId: number }, organizationId: number, integrationId: number, key: string) {
  const existing = await db
    .selectFrom("external_issues")
    .select("id")
    .where("organization_id", "=", organizationId)
    .where("integration_id", "=", integrationId)
    .where("key", "=", key)
    .executeTakeFirst();
  const externalIssueId =
    existing?.id ??
    (
      await db
        .insertInto("external_issues")
        .values({ organization_id: organizationId, integration_id: integrationId, key, title: null, description: null, metadata: "{}", date_added: now() })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
  await db
    .insertInto("group_links")
    .values({ group_id: group.id, project_id: group.projectId, linked_type: "issue", linked_id: externalIssueId, relationship: "references", data: "{}", datetime: now() })
    .execute();
  return { externalIssueId };
}

/** Gives a team access to a project. */
export async function addProjectTeam(db: Kysely<Database>, projectId: number, teamId: number) {
  await db.insertInto("project_teams").values({ project_id: projectId, team_id: teamId }).execute();
}
