import { sql, type Kysely } from "kysely";
import type { Database } from "./schema.js";

/** A group with its project and current assignee, as the API shows it. */
export interface GroupView {
  id: number;
  shortId: number;
  title: string;
  culprit: string;
  level: string;
  status: string;
  timesSeen: number;
  firstSeen: string;
  lastSeen: string;
  project: { id: number; slug: string; name: string; organizationId: number };
  assignee: { type: "user" | "team"; id: number } | null;
}

/** One group of an organization, or undefined (other organizations' groups are invisible). */
export async function findGroupInOrganization(db: Kysely<Database>, organizationId: number, groupId: number): Promise<GroupView | undefined> {
  // Past 2^53 the id is no group of ours (and past 2^63 PostgreSQL would refuse the parameter: a 500).
  if (!Number.isSafeInteger(groupId)) return undefined;
  const row = await db
    .selectFrom("groups")
    .innerJoin("projects", "projects.id", "groups.project_id")
    .leftJoin("group_assignees", "group_assignees.group_id", "groups.id")
    .select([
      "groups.id as id",
      "groups.short_id as shortId",
      "groups.title as title",
      "groups.culprit as culprit",
      "groups.level as level",
      "groups.status as status",
      "groups.times_seen as timesSeen",
      "groups.first_seen as firstSeen",
      "groups.last_seen as lastSeen",
      "projects.id as projectId",
      "projects.slug as projectSlug",
      "projects.name as projectName",
      "projects.organization_id as organizationId",
      "group_assignees.user_id as assigneeUserId",
      "group_assignees.team_id as assigneeTeamId",
    ])
    .where("groups.id", "=", groupId)
    .where("projects.organization_id", "=", organizationId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    shortId: row.shortId,
    title: row.title,
    culprit: row.culprit,
    level: row.level,
    status: row.status,
    timesSeen: row.timesSeen,
    firstSeen: row.firstSeen,
    lastSeen: row.lastSeen,
    project: { id: row.projectId, slug: row.projectSlug, name: row.projectName, organizationId: row.organizationId },
    assignee:
      row.assigneeUserId !== null && row.assigneeUserId !== undefined
        ? { type: "user", id: row.assigneeUserId }
        : row.assigneeTeamId !== null && row.assigneeTeamId !== undefined
          ? { type: "team", id: row.assigneeTeamId }
          : null,
  };
}

/** Filters of the issue lists: projects, statuses and words that must all appear in the title. */
export interface GroupFilters {
  organizationId: number;
  projectId?: number;
  statuses?: string[];
  titleWords?: string[];
  offset: number;
  limit: number;
}

/** A page of groups, most recently seen first, with one extra row peeked to know whether more follow. */
export async function listGroups(db: Kysely<Database>, filters: GroupFilters): Promise<{ groups: GroupView[]; hasMore: boolean }> {
  let query = db
    .selectFrom("groups")
    .innerJoin("projects", "projects.id", "groups.project_id")
    .leftJoin("group_assignees", "group_assignees.group_id", "groups.id")
    .select([
      "groups.id as id",
      "groups.short_id as shortId",
      "groups.title as title",
      "groups.culprit as culprit",
      "groups.level as level",
      "groups.status as status",
      "groups.times_seen as timesSeen",
      "groups.first_seen as firstSeen",
      "groups.last_seen as lastSeen",
      "projects.id as projectId",
      "projects.slug as projectSlug",
      "projects.name as projectName",
      "projects.organization_id as organizationId",
      "group_assignees.user_id as assigneeUserId",
      "group_assignees.team_id as assigneeTeamId",
    ])
    .where("projects.organization_id", "=", filters.organizationId);
  if (filters.projectId !== undefined) query = query.where("groups.project_id", "=", filters.projectId);
  if (filters.statuses?.length) query = query.where("groups.status", "in", filters.statuses);
  for (const word of filters.titleWords ?? []) {
    const pattern = `%${word.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // An explicit escape character: SQLite has none by default, PostgreSQL's is the same backslash.
    query = query.where(sql<boolean>`lower(groups.title) like ${pattern} escape '\\'`);
  }
  const rows = await query
    .orderBy("groups.last_seen", "desc")
    .orderBy("groups.id", "desc")
    .offset(filters.offset)
    .limit(filters.limit + 1)
    .execute();
  return {
    hasMore: rows.length > filters.limit,
    groups: rows.slice(0, filters.limit).map((row) => ({
      id: row.id,
      shortId: row.shortId,
      title: row.title,
      culprit: row.culprit,
      level: row.level,
      status: row.status,
      timesSeen: row.timesSeen,
      firstSeen: row.firstSeen,
      lastSeen: row.lastSeen,
      project: { id: row.projectId, slug: row.projectSlug, name: row.projectName, organizationId: row.organizationId },
      assignee:
        row.assigneeUserId !== null && row.assigneeUserId !== undefined
          ? { type: "user" as const, id: row.assigneeUserId }
          : row.assigneeTeamId !== null && row.assigneeTeamId !== undefined
            ? { type: "team" as const, id: row.assigneeTeamId }
            : null,
    })),
  };
}
