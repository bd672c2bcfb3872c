import { AppError } from "../../domain/errors.js";
import type { NewTicket, TicketProvider, TicketSummary } from "../../sync/tickets/ticket-provider.js";
import type { BitbucketClient } from "./client.js";
import { createIssue, getIssue, parseIssueKey, searchIssues, type BitbucketIssue } from "./issues.js";

function summaryOf(repo: string, issue: BitbucketIssue): TicketSummary {
  return {
    key: `${repo}#${issue.id}`,
    title: issue.title,
    url: issue.links?.html?.href ?? "",
    status: issue.state,
    ...(issue.content?.raw ? { description: issue.content.raw } : {}),
  };
}

/** A BBQL string literal. */
function bbqlString(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

function repositoryOf(config: Record<string, unknown>, container?: string): string {
  const repo = container ?? (typeof config.repo === "string" ? config.repo : undefined);
  if (!repo) throw new AppError("validation", "bitbucket_repository_missing", "Choose the Bitbucket repository (workspace/repository)");
  return repo;
}

/** Bitbucket tickets for the external-issue API: link by `workspace/repo#id`, create in a repository, search titles (or `#id`). */
export function bitbucketTickets(client: BitbucketClient): TicketProvider {
  return {
    async getTicket(key) {
      const { repo, id } = parseIssueKey(key);
      return summaryOf(repo, await getIssue(client, repo, id));
    },
    async createTicket(ticket: NewTicket, config) {
      const repo = repositoryOf(config, ticket.container);
      return summaryOf(repo, await createIssue(client, repo, { title: ticket.title.slice(0, 255), content: ticket.description }));
    },
    async searchTickets(query, config, limit) {
      const repo = repositoryOf(config);
      const text = query.trim();
      const byId = /^#?(\d+)$/.exec(text);
      const q = byId ? `id = ${byId[1]}` : `title ~ ${bbqlString(text)}`;
      return (await searchIssues(client, repo, q, limit)).map((issue) => summaryOf(repo, issue));
    },
  };
}
