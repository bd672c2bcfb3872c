import type { App } from "../../app.js";
import type { CommitAuthorRef } from "../../domain/neutral-events.js";
import { isoNow } from "../../platform/clock.js";
import { isAnonymousEmail, parsePushEvent } from "../../providers/github/webhook.js";
import { ensureCommitAuthor, findAuthorByExternalId } from "../../store/commit-authors.js";
import { insertCommitOnce } from "../../store/commits.js";
import { repositoriesOfInstallation } from "./installation-repositories.js";

/**
 * §3.3 push: the distinct commits of every repository row the push is about, with authors (by email) and
 * file changes; a commit already stored is skipped, so redeliveries and replays add nothing.
 */
export async function handlePushEvent(app: App, payload: unknown): Promise<void> {
  const push = parsePushEvent(payload);
  if (!push || push.commits.length === 0) return;
  const repositories = await repositoriesOfInstallation(app, push.installationExternalId, push.repository, "push");
  const now = isoNow(app.clock);
  for (const repository of repositories) {
    for (const commit of push.commits) {
      const authorId = commit.author ? await authorFor(app, repository.organizationId, commit.author) : null;
      await insertCommitOnce(app.store.db, repository.organizationId, repository.id, commit, authorId, now);
    }
  }
}

/**
 * A GitHub privacy address names nobody; Sentry looks for an author already known by the login and uses
 * that author's real email when it has one.
 */
async function authorFor(app: App, organizationId: number, author: CommitAuthorRef): Promise<number | null> {
  const anonymous = isAnonymousEmail(author.email);
  if (anonymous && author.externalId) {
    const known = await findAuthorByExternalId(app.store.db, organizationId, author.externalId);
    if (known && !isAnonymousEmail(known.email)) return ensureCommitAuthor(app.store.db, organizationId, { ...author, email: known.email }, { anonymous: false });
  }
  return ensureCommitAuthor(app.store.db, organizationId, author, { anonymous });
}
