import type { App } from "../app.js";
import { AppError } from "../domain/errors.js";
import { isoNow } from "../platform/clock.js";
import { isUniqueViolation } from "./unique-violation.js";
import { createUserWithVerifiedEmail, findUserByVerifiedEmail } from "./users.js";

export interface MemberRow {
  id: number;
  userId: number;
  email: string;
  name: string;
  username: string;
  role: string;
  dateCreated: string;
}

function memberQuery(app: App, organizationId: number) {
  return app.store.db
    .selectFrom("organization_members")
    .innerJoin("users", "users.id", "organization_members.user_id")
    .select([
      "organization_members.id as id",
      "users.id as userId",
      "users.username as username",
      "users.name as name",
      "organization_members.role as role",
      "organization_members.date_added as dateCreated",
      (eb) =>
        eb
          .selectFrom("user_emails")
          .select("user_emails.email")
          .whereRef("user_emails.user_id", "=", "users.id")
          .orderBy("user_emails.is_verified", "desc")
          .orderBy("user_emails.id")
          .limit(1)
          .as("email"),
    ])
    .where("organization_members.organization_id", "=", organizationId);
}

function toMember(r: { id: number; userId: number; username: string; name: string; role: string; dateCreated: string; email: string | null }): MemberRow {
  return { ...r, email: r.email ?? "" };
}

/** The organization's members, oldest first. */
export async function listMembers(app: App, organizationId: number): Promise<MemberRow[]> {
  return (await memberQuery(app, organizationId).orderBy("organization_members.id").execute()).map(toMember);
}

/** One member of the organization, or undefined. */
export async function findMember(app: App, organizationId: number, memberId: number): Promise<MemberRow | undefined> {
  const row = await memberQuery(app, organizationId).where("organization_members.id", "=", memberId).executeTakeFirst();
  return row ? toMember(row) : undefined;
}

/**
 * Adds a member by email: the user owning that verified email is reused, otherwise a user is created
 * with the email marked verified. 409 when the user is already a member.
 */
export async function createMember(app: App, organizationId: number, input: { email: string; name?: string; role: string }): Promise<MemberRow> {
  const now = isoNow(app.clock);
  const email = input.email.trim();
  try {
    const memberId = await app.store.db.transaction().execute(async (tx) => {
      const userId = (await findUserByVerifiedEmail(tx, email)) ?? (await createUserWithVerifiedEmail(tx, { email, name: input.name }, now));
      const member = await tx
        .insertInto("organization_members")
        .values({ organization_id: organizationId, user_id: userId, role: input.role, date_added: now })
        .returning("id")
        .executeTakeFirstOrThrow();
      return member.id;
    });
    return (await findMember(app, organizationId, memberId))!;
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("conflict", "member_exists", `The user ${email} is already a member`);
    throw error;
  }
}

/** Removes a member (team memberships go with it); false when not found. */
export async function deleteMember(app: App, organizationId: number, memberId: number): Promise<boolean> {
  const result = await app.store.db.deleteFrom("organization_members").where("organization_id", "=", organizationId).where("id", "=", memberId).executeTakeFirst();
  return Number(result.numDeletedRows ?? 0) > 0;
}
