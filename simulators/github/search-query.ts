import type { GithubIssue, GithubRepo } from "./state.js";

/** A parsed `q`: repositories named by `repo:` and one predicate per other term. */
export interface IssueQuery {
  repos: string[];
  matches: (repo: GithubRepo, issue: GithubIssue) => boolean;
}

type Predicate = (repo: GithubRepo, issue: GithubIssue) => boolean;

const TOKEN = /(-?)([a-z_]+):("[^"]*"|\S+)|"([^"]*)"|(\S+)/gi;
const lower = (s: string) => s.toLowerCase();
const unquote = (s: string) => (s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s);

/**
 * Parses the subset of GitHub's issue search syntax the simulator serves: `repo:`, `user:`/`org:`,
 * `is:`/`type:` (issue, pr, open, closed), `state:`, `assignee:`, `author:`, `label:`, `no:`
 * (assignee, label), `in:` (title, body, comments) and free text (every word must occur; quoted
 * phrases as a whole). A leading `-` negates a qualifier. Unknown qualifiers count as text.
 */
export function parseIssueQuery(q: string): IssueQuery {
  const repos: string[] = [];
  const filters: Predicate[] = [];
  const words: string[] = [];
  const fields = new Set<string>();
  for (const match of q.matchAll(TOKEN)) {
    const [, negation, rawKey, rawValue, phrase, word] = match;
    if (phrase !== undefined) {
      words.push(lower(phrase));
      continue;
    }
    if (word !== undefined) {
      words.push(lower(word));
      continue;
    }
    const key = lower(rawKey ?? "");
    const value = lower(unquote(rawValue ?? ""));
    let predicate: Predicate | undefined;
    switch (key) {
      case "repo":
        repos.push(value);
        continue;
      case "in":
        value.split(",").forEach((f) => fields.add(f));
        continue;
      case "user":
      case "org":
        predicate = (repo) => lower(repo.owner) === value;
        break;
      case "is":
      case "type":
      case "state":
        if (value === "issue") predicate = () => true;
        else if (value === "pr" || value === "pull-request") predicate = () => false;
        else if (value === "open" || value === "closed") predicate = (_r, i) => i.state === value;
        break;
      case "assignee":
        predicate = (_r, i) => i.assignees.some((a) => lower(a) === value);
        break;
      case "author":
        predicate = (_r, i) => lower(i.user) === value;
        break;
      case "label":
        predicate = (_r, i) => i.labels.some((l) => lower(l) === value);
        break;
      case "no":
        if (value === "assignee") predicate = (_r, i) => i.assignees.length === 0;
        else if (value === "label") predicate = (_r, i) => i.labels.length === 0;
        break;
    }
    if (!predicate) {
      words.push(lower(`${rawKey}:${unquote(rawValue ?? "")}`));
      continue;
    }
    const positive = predicate;
    filters.push(negation ? (r, i) => !positive(r, i) : positive);
  }
  const searched = fields.size ? fields : new Set(["title", "body", "comments"]);
  const haystack = (issue: GithubIssue) =>
    lower([searched.has("title") ? issue.title : "", searched.has("body") ? (issue.body ?? "") : "", searched.has("comments") ? issue.comments.map((c) => c.body).join("\n") : ""].join("\n"));
  return {
    repos,
    matches: (repo, issue) => filters.every((f) => f(repo, issue)) && words.every((w) => haystack(issue).includes(w)),
  };
}
