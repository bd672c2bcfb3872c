import type { Kysely, Transaction } from "kysely";
import type { Database } from "./schema.js";

type Db = Kysely<Database> | Transaction<Database>;

export interface LinkedGroup {
  id: number;
  projectId: number;
  organizationId: number;
  externalIssueId: number;
}

/** Groups linked (group link of type issue) to the external issue `key` of an integration, in the given organizations. */
export async function findLinkedGroups(db: Db, integrationId: number, key: string, organizationIds: number[]): Promise<LinkedGroup[]> {
  if (organizationIds.length === 0) return [];
  const rows = await db
    .selectFrom("external_issues")
    .innerJoin("group_links", (join) => join.onRef("group_links.linked_id", "=", "external_issues.id").on("group_links.linked_type", "=", "issue"))
    .innerJoin("groups", "groups.id", "group_links.group_id")
    .innerJoin("projects", "projects.id", "groups.project_id")
    .select(["groups.id as id", "groups.project_id as projectId", "projects.organization_id as organizationId", "external_issues.id as externalIssueId"])
    .where("external_issues.integration_id", "=", integrationId)
    .where("external_issues.key", "=", key)
    .where("projects.organization_id", "in", organizationIds)
    .whereRef("external_issues.organization_id", "=", "projects.organization_id")
    .orderBy("groups.id")
    .execute();
  return rows;
}
