import type { Kysely } from "kysely";
import type { Database } from "../../store/schema.js";
import type { GroupView } from "../../store/groups.js";
import { primaryEmail } from "../../store/user-email.js";

/** Sentry's `assignedTo` shape: `{type, id, name, email?}` or null. */
export async function serializeAssignee(db: Kysely<Database>, assignee: GroupView["assignee"]) {
  if (!assignee) return null;
  if (assignee.type === "user") {
    const user = await db.selectFrom("users").select(["username", "name"]).where("id", "=", assignee.id).executeTakeFirst();
    return { type: "user", id: String(assignee.id), name: user?.name || user?.username || "", email: await primaryEmail(db, assignee.id) };
  }
  const team = await db.selectFrom("teams").select(["slug", "name"]).where("id", "=", assignee.id).executeTakeFirst();
  return { type: "team", id: String(assignee.id), name: team?.slug ?? "" };
}

/** A group as Sentry's issue endpoints return it (ids as strings). */
export async function serializeGroup(db: Kysely<Database>, group: GroupView, publicUrl: string, orgSlug: string) {
  return {
    id: String(group.id),
    shortId: `${group.project.slug.toUpperCase()}-${group.shortId}`,
    title: group.title,
    culprit: group.culprit,
    level: group.level,
    status: group.status,
    count: String(group.timesSeen),
    firstSeen: group.firstSeen,
    lastSeen: group.lastSeen,
    permalink: `${publicUrl}/organizations/${orgSlug}/issues/${group.id}/`,
    project: { id: String(group.project.id), slug: group.project.slug, name: group.project.name },
    assignedTo: await serializeAssignee(db, group.assignee),
  };
}
