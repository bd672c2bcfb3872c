import { AppError } from "../../domain/errors.js";
import type { NewTicket, TicketProvider, TicketSummary } from "../../sync/tickets/ticket-provider.js";
import type { GithubClient } from "./client.js";
import { getIssue, type GithubIssueData } from "./issues.js";

const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

function summary(repo: string, issue: GithubIssueData & { body?: string | null }): TicketSummary {
  return { key: `${repo}#${issue.number}`, title: issue.title, url: issue.html_url, status: issue.state, description: issue.body ?? undefined };
}

/** The repository a create or search is for: given with the request, else the organization's default (`default_repo`). */
function repoFrom(container: unknown, config: Record<string, unknown>): string {
  const repo = typeof container === "string" && container ? container : config.default_repo;
  if (typeof repo !== "string" || !REPO.test(repo)) {
    throw new AppError("validation", "github_repo_required", "Choose a repository (owner/name) for GitHub", { fields: { repo: ["Choose a repository (owner/name)."] } });
  }
  return repo;
}

/** GitHub issues behind the ticket port: get by `owner/repo#number`, create in a repository, search with GitHub's issue search. */
export function githubTickets(client: GithubClient): TicketProvider {
  return {
    async getTicket(key) {
      const issue = await getIssue(client, key);
      return summary(key.slice(0, key.lastIndexOf("#")), issue);
    },
    async createTicket(ticket: NewTicket, config) {
      const repo = repoFrom(ticket.container, config);
      const { data } = await client.request<GithubIssueData>("POST", `/repos/${repo}/issues`, { title: ticket.title, body: ticket.description });
      return summary(repo, data);
    },
    async searchTickets(query, config, limit) {
      const repo = repoFrom(config.repo, config);
      const q = `${query} repo:${repo} is:issue`;
      const { data } = await client.request<{ items: Array<GithubIssueData & { body?: string | null }> }>("GET", `/search/issues?q=${encodeURIComponent(q)}&per_page=${Math.min(limit, 100)}`);
      return data.items.slice(0, limit).map((issue) => summary(repo, issue));
    },
  };
}
