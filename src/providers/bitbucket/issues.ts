import { AppError } from "../../domain/errors.js";
import type { BitbucketClient } from "./client.js";

/** A Bitbucket account as the API shows it (never with an email). */
export interface BitbucketAccount {
  uuid: string;
  account_id?: string;
  nickname?: string;
  display_name?: string;
}

export interface BitbucketIssue {
  id: number;
  title: string;
  state: string;
  kind?: string;
  priority?: string;
  content?: { raw?: string | null };
  assignee?: BitbucketAccount | null;
  updated_on?: string;
  links?: { html?: { href?: string } };
}

/** A ticket key `workspace/repo#12` (Sentry's Bitbucket external issue key) split into repository and id. */
export function parseIssueKey(key: string): { repo: string; id: number } {
  const match = /^([\w.-]+\/[\w.-]+)#(\d+)$/.exec(key.trim());
  if (!match) throw new AppError("validation", "bitbucket_issue_key_invalid", `"${key}" is not a Bitbucket issue key (workspace/repository#number)`);
  return { repo: match[1] as string, id: Number(match[2]) };
}

/** `workspace/repo` checked, for paths. */
export function repoPath(repo: string): string {
  if (!/^[\w.-]+\/[\w.-]+$/.test(repo)) throw new AppError("validation", "bitbucket_repository_invalid", `"${repo}" is not a Bitbucket repository (workspace/repository)`);
  return `/2.0/repositories/${repo}`;
}

/** `GET .../issues/{id}`. */
export function getIssue(client: BitbucketClient, repo: string, id: number): Promise<BitbucketIssue> {
  return client.request<BitbucketIssue>("GET", `${repoPath(repo)}/issues/${id}`);
}

export interface NewBitbucketIssue {
  title: string;
  content?: string;
  kind?: string;
  priority?: string;
}

/** `POST .../issues`. */
export function createIssue(client: BitbucketClient, repo: string, issue: NewBitbucketIssue): Promise<BitbucketIssue> {
  return client.request<BitbucketIssue>("POST", `${repoPath(repo)}/issues`, {
    body: { title: issue.title, ...(issue.content !== undefined ? { content: { raw: issue.content } } : {}), kind: issue.kind ?? "bug", priority: issue.priority ?? "major" },
  });
}

/** `PUT .../issues/{id}` with the fields to change (`assignee: null` unassigns). */
export function updateIssue(client: BitbucketClient, repo: string, id: number, fields: Record<string, unknown>): Promise<BitbucketIssue> {
  return client.request<BitbucketIssue>("PUT", `${repoPath(repo)}/issues/${id}`, { body: fields });
}

/** Issues matching a BBQL query `q`, newest change first, following pages up to `limit`. */
export function searchIssues(client: BitbucketClient, repo: string, q: string, limit: number): Promise<BitbucketIssue[]> {
  return client.collect<BitbucketIssue>(`${repoPath(repo)}/issues`, { q, sort: "-updated_on" }, limit);
}

/** Members of a workspace (needs the `account` scope). */
export async function listWorkspaceMembers(client: BitbucketClient, workspace: string): Promise<BitbucketAccount[]> {
  const members = await client.collect<{ user: BitbucketAccount }>(`/2.0/workspaces/${encodeURIComponent(workspace)}/members`, {}, 1000);
  return members.map((m) => m.user);
}
