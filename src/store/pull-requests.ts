import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

export interface PullRequestFields {
  key: string;
  title: string | null;
  message: string | null;
  authorId: number | null;
  mergeCommitSha: string | null;
}

/**
 * Upserts a pull request by (repository, number) (§3.3). A merge commit sha once known is kept: a later
 * event of an unmerged state (GitHub's test-merge shas) never replaces it with null.
 */
export async function upsertPullRequest(db: Kysely<Database>, organizationId: number, repositoryId: number, pr: PullRequestFields, now: string): Promise<void> {
  await db
    .insertInto("pull_requests")
    .values({ organization_id: organizationId, repository_id: repositoryId, key: pr.key, title: pr.title, message: pr.message, author_id: pr.authorId, merge_commit_sha: pr.mergeCommitSha, date_added: now })
    .onConflict((oc) =>
      oc.columns(["repository_id", "key"]).doUpdateSet((eb) => ({
        title: pr.title,
        message: pr.message,
        author_id: pr.authorId,
        merge_commit_sha: pr.mergeCommitSha ?? eb.ref("pull_requests.merge_commit_sha"),
      })),
    )
    .execute();
}
