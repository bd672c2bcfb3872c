import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

/** The tickets a group is linked to (group links of type issue), oldest link first, with their integration. */
export async function listGroupExternalIssues(db: Kysely<Database>, groupId: number, organizationId: number) {
  return db
    .selectFrom("group_links")
    .innerJoin("external_issues", "external_issues.id", "group_links.linked_id")
    .innerJoin("integrations", "integrations.id", "external_issues.integration_id")
    .select([
      "external_issues.id as id",
      "external_issues.key as key",
      "external_issues.title as title",
      "external_issues.metadata as metadata",
      "integrations.id as integrationId",
      "integrations.name as integrationName",
      "integrations.provider as provider",
      "group_links.datetime as dateLinked",
    ])
    .where("group_links.group_id", "=", groupId)
    .where("group_links.linked_type", "=", "issue")
    .where("external_issues.organization_id", "=", organizationId)
    .orderBy("group_links.id")
    .execute();
}
