import type { JiraProject, JiraState, JiraUser } from "./state.js";
import { workflowTemplate, type WorkflowTemplate } from "./workflows.js";

/** A user to add; `emailAddress: null` makes a user whose e-mail Jira does not show. */
export interface NewUser {
  name: string;
  displayName?: string | undefined;
  emailAddress?: string | null | undefined;
  key?: string | undefined;
  active?: boolean | undefined;
  admin?: boolean | undefined;
  timeZone?: string | undefined;
}

/** Adds a user; Jira stores usernames lowercased and gives new users keys `JIRAUSER<n>`. */
export function addUser(state: JiraState, input: NewUser): JiraUser {
  const name = input.name.trim().toLowerCase();
  if (!name || /[\s,]/.test(name)) throw new Error(`invalid username '${input.name}'`);
  if (state.userByName(name)) throw new Error(`a user named '${name}' already exists`);
  const key = input.key ?? `JIRAUSER${state.nextUserNumber++}`;
  if (state.users.has(key)) throw new Error(`a user with key '${key}' already exists`);
  const user: JiraUser = {
    key,
    name,
    displayName: input.displayName ?? name,
    emailAddress: input.emailAddress === null ? undefined : (input.emailAddress ?? `${name}@example.com`),
    active: input.active ?? true,
    admin: input.admin ?? false,
    timeZone: input.timeZone ?? "UTC",
    locale: "en_US",
  };
  state.users.set(key, user);
  return user;
}

/** A project to add; the lead defaults to the first administrator. */
export interface NewProject {
  key: string;
  name?: string | undefined;
  description?: string | undefined;
  lead?: string | undefined;
  workflow?: WorkflowTemplate | undefined;
}

/** Adds a project; keys are 2-10 uppercase letters/digits starting with a letter, as Jira's default pattern says. */
export function addProject(state: JiraState, input: NewProject): JiraProject {
  const key = input.key.toUpperCase();
  if (!/^[A-Z][A-Z0-9]{1,9}$/.test(key)) throw new Error(`invalid project key '${input.key}'`);
  if (state.project(key)) throw new Error(`a project with key '${key}' already exists`);
  const lead = input.lead ? state.userByName(input.lead) : [...state.users.values()].find((u) => u.admin);
  if (!lead) throw new Error(input.lead ? `unknown user '${input.lead}'` : "no administrator to lead the project");
  const project: JiraProject = {
    id: String(state.nextProjectId++),
    key,
    name: input.name ?? key,
    description: input.description ?? "",
    leadKey: lead.key,
    workflow: workflowTemplate(input.workflow ?? "simplified", key),
    nextIssueNumber: 1,
  };
  state.projects.set(project.id, project);
  return project;
}

/** The default data: an administrator who approves OAuth requests, two developers and project SWB. */
export function seedDefaults(state: JiraState): void {
  addUser(state, { name: "admin", displayName: "Administrator", emailAddress: "admin@example.com", admin: true });
  addUser(state, { name: "jdoe", displayName: "John Doe", emailAddress: "jdoe@example.com" });
  addUser(state, { name: "paul", displayName: "Paul E.", emailAddress: "paul@example.com" });
  addProject(state, { key: "SWB", name: "Switchboard", lead: "admin" });
  state.authorizingUser = "admin";
}
