import type { Kysely, Transaction } from "kysely";
import type { Database } from "./schema.js";

type Db = Kysely<Database> | Transaction<Database>;

/** User ids of the team's active members. */
export async function activeTeamMemberUserIds(db: Db, teamId: number): Promise<number[]> {
  const rows = await db
    .selectFrom("team_members")
    .innerJoin("organization_members", "organization_members.id", "team_members.member_id")
    .select("organization_members.user_id")
    .where("team_members.team_id", "=", teamId)
    .where("team_members.is_active", "=", 1)
    .execute();
  return rows.map((r) => r.user_id);
}

/** Whether the user is an active member of the team. */
export async function isActiveTeamMember(db: Db, teamId: number, userId: number): Promise<boolean> {
  const row = await db
    .selectFrom("team_members")
    .innerJoin("organization_members", "organization_members.id", "team_members.member_id")
    .select("team_members.id")
    .where("team_members.team_id", "=", teamId)
    .where("team_members.is_active", "=", 1)
    .where("organization_members.user_id", "=", userId)
    .executeTakeFirst();
  return row !== undefined;
}
