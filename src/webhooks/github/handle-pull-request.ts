import type { App } from "../../app.js";
import { isoNow } from "../../platform/clock.js";
import { parsePullRequestEvent } from "../../providers/github/webhook.js";
import { ensureCommitAuthor, findAuthorByExternalId } from "../../store/commit-authors.js";
import { upsertPullRequest } from "../../store/pull-requests.js";
import { repositoriesOfInstallation } from "./installation-repositories.js";

/**
 * §3.3 pull_request: upsert by (repository, number) with title, body and author; the merge commit only
 * when merged. The author is the commit author known by `github:<login>`, else `<login>@localhost`.
 */
export async function handlePullRequestEvent(app: App, payload: unknown): Promise<void> {
  const pr = parsePullRequestEvent(payload);
  if (!pr) return;
  const repositories = await repositoriesOfInstallation(app, pr.installationExternalId, pr.repository, "pull_request");
  const now = isoNow(app.clock);
  for (const repository of repositories) {
    let authorId: number | null = null;
    if (pr.author) {
      const known = pr.author.externalId ? await findAuthorByExternalId(app.store.db, repository.organizationId, pr.author.externalId) : undefined;
      authorId = known?.id ?? (await ensureCommitAuthor(app.store.db, repository.organizationId, { ...pr.author, externalId: null }, { anonymous: true }));
    }
    await upsertPullRequest(app.store.db, repository.organizationId, repository.id, { key: pr.key, title: pr.title, message: pr.message, authorId, mergeCommitSha: pr.mergeCommitSha }, now);
  }
}
