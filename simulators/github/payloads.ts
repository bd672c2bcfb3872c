import type { GithubIssue, GithubRepo, GithubState, GithubUser } from "./state.js";

const userJson = (u: GithubUser) => ({ login: u.login, id: u.id, type: "User", site_admin: false });

/** A repository as GitHub's REST API and webhooks show it. */
export function repoJson(base: string, repo: GithubRepo, state: GithubState) {
  const owner = state.user(repo.owner);
  return {
    id: repo.id,
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    private: false,
    owner: userJson(owner),
    html_url: `${base}/${repo.owner}/${repo.name}`,
    url: `${base}/repos/${repo.owner}/${repo.name}`,
  };
}

/** An issue as GitHub's REST API and webhooks show it. */
export function issueJson(base: string, repo: GithubRepo, issue: GithubIssue, state: GithubState) {
  const assignees = issue.assignees.map((login) => userJson(state.user(login)));
  return {
    id: issue.id,
    number: issue.number,
    title: issue.title,
    body: issue.body,
    state: issue.state,
    state_reason: issue.state_reason,
    user: userJson(state.user(issue.user)),
    assignee: assignees[0] ?? null,
    assignees,
    labels: [],
    comments: 0,
    created_at: issue.created_at,
    updated_at: issue.updated_at,
    closed_at: issue.state === "closed" ? issue.updated_at : null,
    html_url: `${base}/${repo.owner}/${repo.name}/issues/${issue.number}`,
    url: `${base}/repos/${repo.owner}/${repo.name}/issues/${issue.number}`,
    repository_url: `${base}/repos/${repo.owner}/${repo.name}`,
  };
}
