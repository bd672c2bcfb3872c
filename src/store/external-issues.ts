import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

export interface ExternalIssueInput {
  organizationId: number;
  integrationId: number;
  key: string;
  title: string | null;
  description: string | null;
  metadata: Record<string, unknown>;
  now: string;
}

export interface LinkedTicket {
  externalIssueId: number;
  organizationId: number;
  integrationId: number;
  integrationStatus: string;
  provider: string;
  integrationName: string;
  key: string;
  title: string | null;
  url: string | null;
  dateAdded: string;
}

/**
 * Links a group to a ticket in one transaction: the external issue is created or refreshed (title,
 * metadata), the group link added once. Returns whether the link is new.
 */
export async function linkExternalIssue(db: Kysely<Database>, group: { id: number; projectId: number }, input: ExternalIssueInput): Promise<{ externalIssueId: number; created: boolean }> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom("external_issues")
      .select("id")
      .where("organization_id", "=", input.organizationId)
      .where("integration_id", "=", input.integrationId)
      .where("key", "=", input.key)
      .executeTakeFirst();
    let externalIssueId: number;
    if (existing) {
      externalIssueId = existing.id;
      await trx.updateTable("external_issues").set({ title: input.title, description: input.description, metadata: JSON.stringify(input.metadata) }).where("id", "=", existing.id).execute();
    } else {
      const row = await trx
        .insertInto("external_issues")
        .values({
          organization_id: input.organizationId,
          integration_id: input.integrationId,
          key: input.key,
          title: input.title,
          description: input.description,
          metadata: JSON.stringify(input.metadata),
          date_added: input.now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      externalIssueId = row.id;
    }
    const link = await trx
      .insertInto("group_links")
      .values({ group_id: group.id, project_id: group.projectId, linked_type: "issue", linked_id: externalIssueId, relationship: "references", data: "{}", datetime: input.now })
      .onConflict((oc) => oc.columns(["group_id", "linked_type", "linked_id"]).doNothing())
      .returning("id")
      .executeTakeFirst();
    return { externalIssueId, created: link !== undefined };
  });
}

/** Removes a group's link to one external issue; the external issue row stays if other groups use it. Returns whether a link was removed. */
export async function unlinkExternalIssue(db: Kysely<Database>, groupId: number, externalIssueId: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const removed = await trx.deleteFrom("group_links").where("group_id", "=", groupId).where("linked_type", "=", "issue").where("linked_id", "=", externalIssueId).executeTakeFirst();
    const others = await trx.selectFrom("group_links").select("id").where("linked_type", "=", "issue").where("linked_id", "=", externalIssueId).executeTakeFirst();
    if (!others) await trx.deleteFrom("external_issues").where("id", "=", externalIssueId).execute();
    return Number(removed.numDeletedRows) > 0;
  });
}

/** The tickets a group is linked to, oldest link first (the API's list and outbound sync's fan-out). */
export async function listLinkedTickets(db: Kysely<Database>, groupId: number): Promise<LinkedTicket[]> {
  const rows = await db
    .selectFrom("group_links")
    .innerJoin("external_issues", "external_issues.id", "group_links.linked_id")
    .innerJoin("integrations", "integrations.id", "external_issues.integration_id")
    .select([
      "external_issues.id as externalIssueId",
      "external_issues.organization_id as organizationId",
      "external_issues.integration_id as integrationId",
      "integrations.status as integrationStatus",
      "integrations.provider as provider",
      "integrations.name as integrationName",
      "external_issues.key as key",
      "external_issues.title as title",
      "external_issues.metadata as metadata",
      "group_links.datetime as dateAdded",
    ])
    .where("group_links.group_id", "=", groupId)
    .where("group_links.linked_type", "=", "issue")
    .orderBy("group_links.id")
    .execute();
  return rows.map(({ metadata, ...row }) => ({ ...row, url: urlOf(metadata) }));
}

function urlOf(metadata: string): string | null {
  try {
    const url = (JSON.parse(metadata) as { url?: unknown }).url;
    return typeof url === "string" ? url : null;
  } catch {
    return null;
  }
}
