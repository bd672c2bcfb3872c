import type { Kysely } from "kysely";
import type { PushedCommit } from "../domain/neutral-events.js";
import type { Database } from "./schema.js";

/**
 * Stores a commit of a repository with its file changes, once: a commit already known by (repository, sha)
 * is left as it is (a redelivered push adds nothing). Returns whether it was new.
 */
export async function insertCommitOnce(db: Kysely<Database>, organizationId: number, repositoryId: number, commit: PushedCommit, authorId: number | null, now: string): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto("commits")
      .values({ organization_id: organizationId, repository_id: repositoryId, key: commit.key, author_id: authorId, message: commit.message, date_added: commit.date ?? now })
      .onConflict((oc) => oc.columns(["repository_id", "key"]).doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!row) return false;
    const seen = new Set<string>();
    const files = commit.files.filter((f) => !seen.has(f.filename) && seen.add(f.filename));
    if (files.length > 0) {
      await tx
        .insertInto("commit_file_changes")
        .values(files.map((f) => ({ organization_id: organizationId, commit_id: row.id, filename: f.filename, type: f.type })))
        .onConflict((oc) => oc.columns(["commit_id", "filename"]).doNothing())
        .execute();
    }
    return true;
  });
}
