import type { Kysely, Transaction } from "kysely";
import type { Database } from "./schema.js";

type Db = Kysely<Database> | Transaction<Database>;

/** Active users owning `email` as a VERIFIED address, matched case-insensitively. */
export async function usersByVerifiedEmail(db: Db, email: string): Promise<number[]> {
  const rows = await db
    .selectFrom("user_emails")
    .innerJoin("users", "users.id", "user_emails.user_id")
    .select("users.id")
    .distinct()
    .where((eb) => eb(eb.fn("lower", ["user_emails.email"]), "=", email.toLowerCase()))
    .where("user_emails.is_verified", "=", 1)
    .where("users.is_active", "=", 1)
    .execute();
  return rows.map((r) => r.id);
}

/** Users mapped to an external name (e.g. `@octocat`) for this integration, case-insensitively (§5.3). */
export async function usersByExternalActor(db: Db, integrationId: number, provider: string, externalName: string): Promise<number[]> {
  const rows = await db
    .selectFrom("external_actors")
    .select("user_id")
    .where("integration_id", "=", integrationId)
    .where("provider", "=", provider)
    .where("user_id", "is not", null)
    .where((eb) => eb(eb.fn("lower", ["external_name"]), "=", externalName.toLowerCase()))
    .execute();
  return [...new Set(rows.map((r) => r.user_id as number))];
}

/** For each user, the projects reachable through ACTIVE team membership. */
export async function projectsByUser(db: Db, userIds: number[]): Promise<Map<number, Set<number>>> {
  const out = new Map<number, Set<number>>(userIds.map((id) => [id, new Set<number>()]));
  if (userIds.length === 0) return out;
  const rows = await db
    .selectFrom("project_teams")
    .innerJoin("team_members", "team_members.team_id", "project_teams.team_id")
    .innerJoin("organization_members", "organization_members.id", "team_members.member_id")
    .select(["organization_members.user_id as userId", "project_teams.project_id as projectId"])
    .where("team_members.is_active", "=", 1)
    .where("organization_members.user_id", "in", userIds)
    .execute();
  for (const row of rows) out.get(row.userId)?.add(row.projectId);
  return out;
}

/** When each user joined the organization (for D9's deterministic choice). */
export async function membershipDates(db: Db, organizationId: number, userIds: number[]): Promise<Map<number, string>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("organization_members")
    .select(["user_id", "date_added"])
    .where("organization_id", "=", organizationId)
    .where("user_id", "in", userIds)
    .execute();
  return new Map(rows.map((r) => [r.user_id, r.date_added]));
}
