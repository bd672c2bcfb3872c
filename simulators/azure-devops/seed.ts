import { randomUUID } from "node:crypto";
import { isProcessName, type ProcessName } from "./process-templates.js";
import type { AzureOrganization, AzureProject, AzureState, AzureUser } from "./state.js";

/** Adds a user (or returns the one with that e-mail). */
export function addUser(state: AzureState, email: string, displayName?: string): AzureUser {
  const existing = state.userByEmail(email);
  if (existing) return existing;
  const id = randomUUID();
  // Graph descriptors are the subject type, a dot, and a base64 (unpadded) subject key.
  const descriptor = `aad.${Buffer.from(randomUUID()).toString("base64").replace(/=+$/, "")}`;
  const user: AzureUser = { id, email, displayName: displayName ?? email.split("@")[0] ?? email, descriptor };
  state.users.set(id, user);
  return user;
}

/** Adds an organization (or returns the existing one); `members` are e-mails, created as users when new. */
export function addOrganization(state: AzureState, name: string, members: string[] = []): AzureOrganization {
  let org = state.organization(name);
  if (!org) {
    if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,48}[A-Za-z0-9]?$/.test(name)) throw new Error(`invalid organization name '${name}'`);
    org = { id: randomUUID(), collectionId: randomUUID(), name, members: new Set(), projects: new Map(), workItems: new Map(), subscriptions: new Map(), nextWorkItemId: 1, watermark: 0 };
    state.organizations.set(name.toLowerCase(), org);
  }
  for (const email of members) org.members.add(addUser(state, email).id);
  return org;
}

/** Adds a project to an organization (or returns the one with that name). */
export function addProject(state: AzureState, org: AzureOrganization, name: string, options: { process?: ProcessName; description?: string } = {}): AzureProject {
  const existing = state.project(org, name);
  if (existing) return existing;
  const process = options.process ?? "Agile";
  if (!isProcessName(process)) throw new Error(`unknown process '${String(process)}'`);
  const project: AzureProject = { id: randomUUID(), name, description: options.description ?? "", process, revision: 1, lastUpdateTime: state.iso(), stateOverrides: new Map() };
  org.projects.set(project.id, project);
  return project;
}

/** The data a fresh simulator starts with, so `switchboard simulate` is usable at once. */
export const DEFAULT_SEED = { organization: "fabrikam", project: "Fabrikam-Fiber", user: { email: "ada@example.com", displayName: "Ada Lovelace" } };

/** Seeds the default organization, project and user. */
export function seedDefaults(state: AzureState): void {
  addUser(state, DEFAULT_SEED.user.email, DEFAULT_SEED.user.displayName);
  const org = addOrganization(state, DEFAULT_SEED.organization, [DEFAULT_SEED.user.email]);
  addProject(state, org, DEFAULT_SEED.project);
}
