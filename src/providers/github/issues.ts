import { AppError } from "../../domain/errors.js";
import type { GithubClient } from "./client.js";

/** `owner/repo#number`, the key GitHub tickets are linked by (§3.3). */
export function parseIssueKey(key: string): { repo: string; number: number } {
  const match = /^([^/\s]+\/[^#\s]+)#(\d+)$/.exec(key);
  if (!match) throw new AppError("validation", "github_issue_key_invalid", `"${key}" is not a GitHub issue key (owner/repo#number)`);
  return { repo: match[1] as string, number: Number(match[2]) };
}

export interface GithubIssueData {
  number: number;
  title: string;
  state: string;
  html_url: string;
  assignees: Array<{ login: string }>;
  updated_at: string;
}

/** Reads an issue. */
export async function getIssue(client: GithubClient, key: string): Promise<GithubIssueData> {
  const { repo, number } = parseIssueKey(key);
  return (await client.request<GithubIssueData>("GET", `/repos/${repo}/issues/${number}`)).data;
}

/** Replaces the issue's assignees; GitHub answers 422 naming a login it cannot assign, which surfaces as a typed error. */
export async function setIssueAssignees(client: GithubClient, key: string, logins: string[]): Promise<GithubIssueData> {
  const { repo, number } = parseIssueKey(key);
  return (await client.request<GithubIssueData>("PATCH", `/repos/${repo}/issues/${number}`, { assignees: logins })).data;
}

/** Closes (as completed) or reopens the issue. */
export async function setIssueState(client: GithubClient, key: string, open: boolean): Promise<GithubIssueData> {
  const { repo, number } = parseIssueKey(key);
  const body = open ? { state: "open" } : { state: "closed", state_reason: "completed" };
  return (await client.request<GithubIssueData>("PATCH", `/repos/${repo}/issues/${number}`, body)).data;
}
