import type { BbHook, BbIssue, BbRepository, BbUser, BbWorkspace, BitbucketState } from "./state.js";

/** Where links point: the API (the simulator) and the web UI. */
export interface LinkBase {
  api: string;
  web: string;
}

const href = (url: string) => ({ href: url });

/** An account object as the 2.0 API shows it (no e-mail, no username since the GDPR changes). */
export function renderUser(user: BbUser, base: LinkBase) {
  return {
    display_name: user.displayName,
    links: {
      self: href(`${base.api}/2.0/users/${encodeURIComponent(user.uuid)}`),
      avatar: href(`${base.web}/account/${user.nickname}/avatar/32/`),
      html: href(`${base.web}/${encodeURIComponent(user.uuid)}/`),
    },
    type: "user",
    uuid: user.uuid,
    account_id: user.accountId,
    nickname: user.nickname,
  };
}

export function renderWorkspace(ws: BbWorkspace, base: LinkBase) {
  return {
    type: "workspace",
    uuid: ws.uuid,
    name: ws.name,
    slug: ws.slug,
    is_private: true,
    created_on: ws.createdOn,
    links: {
      self: href(`${base.api}/2.0/workspaces/${ws.slug}`),
      html: href(`${base.web}/${ws.slug}/`),
      avatar: href(`${base.web}/workspaces/${ws.slug}/avatar/`),
      members: href(`${base.api}/2.0/workspaces/${ws.slug}/members`),
      repositories: href(`${base.api}/2.0/repositories/${ws.slug}`),
    },
  };
}

/** The short repository object embedded in issues and hooks. */
export function renderRepositoryRef(repo: BbRepository, base: LinkBase) {
  return {
    type: "repository",
    full_name: `${repo.workspace}/${repo.slug}`,
    links: {
      self: href(`${base.api}/2.0/repositories/${repo.workspace}/${repo.slug}`),
      html: href(`${base.web}/${repo.workspace}/${repo.slug}`),
      avatar: href(`${base.web}/${repo.workspace}/${repo.slug}/avatar/32/`),
    },
    name: repo.name,
    uuid: repo.uuid,
  };
}

export function renderRepository(repo: BbRepository, state: BitbucketState, base: LinkBase) {
  const ws = state.workspaces.get(repo.workspace);
  const api = `${base.api}/2.0/repositories/${repo.workspace}/${repo.slug}`;
  return {
    ...renderRepositoryRef(repo, base),
    links: {
      ...renderRepositoryRef(repo, base).links,
      issues: href(`${api}/issues`),
      hooks: href(`${api}/hooks`),
      clone: [
        { name: "https", href: `${base.web}/${repo.workspace}/${repo.slug}.git` },
        { name: "ssh", href: `git@bitbucket.org:${repo.workspace}/${repo.slug}.git` },
      ],
    },
    description: repo.description,
    scm: "git",
    is_private: repo.isPrivate,
    has_issues: repo.hasIssues,
    has_wiki: false,
    fork_policy: "no_public_forks",
    created_on: repo.createdOn,
    updated_on: repo.updatedOn,
    language: "",
    size: 0,
    mainbranch: { type: "branch", name: "main" },
    workspace: ws ? { type: "workspace", uuid: ws.uuid, name: ws.name, slug: ws.slug, links: renderWorkspace(ws, base).links } : undefined,
    owner: ws ? { type: ws.kind === "team" ? "team" : "user", uuid: ws.uuid, display_name: ws.name, username: ws.slug } : undefined,
  };
}

export function renderIssue(issue: BbIssue, repo: BbRepository, state: BitbucketState, base: LinkBase) {
  const api = `${base.api}/2.0/repositories/${repo.workspace}/${repo.slug}/issues/${issue.id}`;
  const account = (uuid: string | null) => {
    const user = uuid ? state.users.get(uuid) : undefined;
    return user ? renderUser(user, base) : null;
  };
  return {
    type: "issue",
    id: issue.id,
    repository: renderRepositoryRef(repo, base),
    links: {
      self: href(api),
      html: href(`${base.web}/${repo.workspace}/${repo.slug}/issues/${issue.id}`),
      comments: href(`${api}/comments`),
      attachments: href(`${api}/attachments`),
      watch: href(`${api}/watch`),
      vote: href(`${api}/vote`),
    },
    title: issue.title,
    content: { type: "rendered", raw: issue.content, markup: "markdown", html: issue.content ? `<p>${escapeHtml(issue.content)}</p>` : "" },
    reporter: account(issue.reporter),
    assignee: account(issue.assignee),
    created_on: issue.createdOn,
    edited_on: issue.editedOn,
    updated_on: issue.updatedOn,
    state: issue.state,
    kind: issue.kind,
    priority: issue.priority,
    milestone: null,
    version: null,
    component: null,
    votes: issue.votes,
    watches: issue.watches,
  };
}

export function renderHook(hook: BbHook, repo: BbRepository, base: LinkBase) {
  return {
    type: "webhook_subscription",
    uuid: hook.uuid,
    url: hook.url,
    description: hook.description,
    subject_type: "repository",
    subject: renderRepositoryRef(repo, base),
    active: hook.active,
    created_at: hook.createdAt,
    events: [...hook.events].sort(),
    secret_set: hook.secret !== undefined,
    links: { self: href(`${base.api}/2.0/repositories/${repo.workspace}/${repo.slug}/hooks/${encodeURIComponent(hook.uuid)}`) },
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] as string);
}
