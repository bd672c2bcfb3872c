import type { JiraServerClient } from "./client.js";

/** The part of a Jira user the sync needs (Server: `name` is the id, `key` stable, no accountId). */
export interface JiraUser {
  name: string;
  key?: string;
  displayName?: string;
  emailAddress?: string;
  active?: boolean;
}

export interface JiraStatus {
  id: string;
  name: string;
  statusCategory?: { key?: string; name?: string };
}

export interface JiraIssue {
  id: string;
  key: string;
  self?: string;
  fields: {
    summary?: string;
    description?: string | null;
    assignee?: JiraUser | null;
    status?: JiraStatus | null;
    project?: { id: string; key: string } | null;
  };
}

export interface JiraTransition {
  id: string;
  name: string;
  to: JiraStatus;
}

const path = (key: string) => `/rest/api/2/issue/${encodeURIComponent(key)}`;

/** `GET /rest/api/2/issue/{key}`. */
export function getIssue(client: JiraServerClient, key: string): Promise<JiraIssue> {
  return client.request<JiraIssue>("GET", path(key), { query: { fields: "summary,description,assignee,status,project" } });
}

export interface NewJiraIssue {
  projectKey: string;
  summary: string;
  description?: string;
  /** Issue type name (default `Bug`). */
  issueType?: string;
}

/** `POST /rest/api/2/issue`: creates the issue and reads it back (Jira answers only id, key and self). */
export async function createIssue(client: JiraServerClient, issue: NewJiraIssue): Promise<JiraIssue> {
  const created = await client.request<{ id: string; key: string }>("POST", "/rest/api/2/issue", {
    body: {
      fields: {
        project: { key: issue.projectKey },
        summary: issue.summary,
        ...(issue.description !== undefined ? { description: issue.description } : {}),
        issuetype: { name: issue.issueType ?? "Bug" },
      },
    },
  });
  return getIssue(client, created.key);
}

/** `PUT /rest/api/2/issue/{key}/assignee` by username (Jira Server's `name`); null unassigns. */
export async function assignIssue(client: JiraServerClient, key: string, username: string | null): Promise<void> {
  await client.request<void>("PUT", `${path(key)}/assignee`, { body: { name: username } });
}

/** The transitions the workflow offers from the issue's current status. */
export async function listTransitions(client: JiraServerClient, key: string): Promise<JiraTransition[]> {
  return (await client.request<{ transitions: JiraTransition[] }>("GET", `${path(key)}/transitions`)).transitions ?? [];
}

/** `POST /rest/api/2/issue/{key}/transitions`. */
export async function transitionIssue(client: JiraServerClient, key: string, transitionId: string): Promise<void> {
  await client.request<void>("POST", `${path(key)}/transitions`, { body: { transition: { id: transitionId } } });
}

/** JQL search, following Jira's `startAt` pages until `limit` issues or the total is reached. */
export async function searchIssues(client: JiraServerClient, jql: string, limit: number): Promise<JiraIssue[]> {
  const found: JiraIssue[] = [];
  let startAt = 0;
  while (found.length < limit) {
    const page = await client.request<{ startAt: number; total: number; issues: JiraIssue[] }>("GET", "/rest/api/2/search", {
      query: { jql, startAt, maxResults: Math.min(50, limit - found.length), fields: "summary,description,assignee,status,project" },
    });
    found.push(...page.issues);
    startAt += page.issues.length;
    if (page.issues.length === 0 || startAt >= page.total) break;
  }
  return found.slice(0, limit);
}

/** Every status of the instance (`GET /rest/api/2/status`). */
export function listStatuses(client: JiraServerClient): Promise<JiraStatus[]> {
  return client.request<JiraStatus[]>("GET", "/rest/api/2/status");
}
