import type { IssueType, JiraProject, JiraState, JiraUser, Priority } from "./state.js";
import { STATUS_CATEGORIES, type JiraStatus } from "./workflows.js";

/** Jira's REST date format: `2024-01-15T10:20:30.000+0000` (the server runs in UTC here). */
export function jiraDate(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+0000");
}

function avatarUrls(base: string, kind: "user" | "project", id: string): Record<string, string> {
  const path = kind === "user" ? `${base}/secure/useravatar` : `${base}/secure/projectavatar`;
  const owner = kind === "user" ? `ownerId=${encodeURIComponent(id)}` : `pid=${id}`;
  return {
    "48x48": `${path}?${owner}&avatarId=10122`,
    "24x24": `${path}?size=small&${owner}&avatarId=10122`,
    "16x16": `${path}?size=xsmall&${owner}&avatarId=10122`,
    "32x32": `${path}?size=medium&${owner}&avatarId=10122`,
  };
}

/** A user as issue fields and searches show it (Server: `name` and `key`, no `accountId`, §3.4). */
export function userJson(base: string, user: JiraUser): Record<string, unknown> {
  const out: Record<string, unknown> = {
    self: `${base}/rest/api/2/user?username=${encodeURIComponent(user.name)}`,
    name: user.name,
    key: user.key,
  };
  if (user.emailAddress !== undefined) out.emailAddress = user.emailAddress;
  out.avatarUrls = avatarUrls(base, "user", user.key);
  out.displayName = user.displayName;
  out.active = user.active;
  out.timeZone = user.timeZone;
  return out;
}

/** The full user of `GET /rest/api/2/user`: adds locale, groups and application roles. */
export function fullUserJson(base: string, user: JiraUser): Record<string, unknown> {
  const groups = user.admin ? ["jira-administrators", "jira-software-users"] : ["jira-software-users"];
  return {
    ...userJson(base, user),
    deleted: false,
    locale: user.locale,
    groups: { size: groups.length, items: groups.map((name) => ({ name, self: `${base}/rest/api/2/group?groupname=${name}` })) },
    applicationRoles: { size: 1, items: [] },
    expand: "groups,applicationRoles",
  };
}

export function statusJson(base: string, status: JiraStatus): Record<string, unknown> {
  const category = STATUS_CATEGORIES[status.category];
  return {
    self: `${base}/rest/api/2/status/${status.id}`,
    description: status.description,
    iconUrl: `${base}/images/icons/statuses/${status.icon}`,
    name: status.name,
    id: status.id,
    statusCategory: { self: `${base}/rest/api/2/statuscategory/${category.id}`, id: category.id, key: category.key, colorName: category.colorName, name: category.name },
  };
}

export function issueTypeJson(base: string, type: IssueType): Record<string, unknown> {
  return {
    self: `${base}/rest/api/2/issuetype/${type.id}`,
    id: type.id,
    description: type.description,
    iconUrl: `${base}/secure/viewavatar?size=xsmall&avatarId=${type.avatarId}&avatarType=issuetype`,
    name: type.name,
    subtask: false,
    avatarId: type.avatarId,
  };
}

export function priorityJson(base: string, priority: Priority): Record<string, unknown> {
  return {
    self: `${base}/rest/api/2/priority/${priority.id}`,
    statusColor: priority.statusColor,
    description: "",
    iconUrl: `${base}/images/icons/priorities/${priority.icon}`,
    name: priority.name,
    id: priority.id,
  };
}

/** A project as `GET /rest/api/2/project` lists it (and as issue fields embed it). */
export function projectJson(base: string, project: JiraProject): Record<string, unknown> {
  return {
    expand: "description,lead,url,projectKeys",
    self: `${base}/rest/api/2/project/${project.id}`,
    id: project.id,
    key: project.key,
    name: project.name,
    avatarUrls: avatarUrls(base, "project", project.id),
    projectTypeKey: "software",
  };
}

/** `GET /rest/api/2/project/{idOrKey}`: adds description, lead, issue types and keys. */
export function fullProjectJson(base: string, state: JiraState, project: JiraProject, issueTypes: IssueType[]): Record<string, unknown> {
  const lead = state.userByKey(project.leadKey);
  return {
    ...projectJson(base, project),
    description: project.description,
    lead: lead ? userJson(base, lead) : null,
    components: [],
    issueTypes: issueTypes.map((t) => issueTypeJson(base, t)),
    assigneeType: "UNASSIGNED",
    versions: [],
    roles: {},
    archived: false,
    projectKeys: [project.key],
  };
}
