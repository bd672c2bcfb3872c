import type { App } from "../../app.js";
import { AppError } from "../../domain/errors.js";
import { findProjectBySlug, type ProjectRow } from "../../store/projects.js";
import { findTeamBySlug, type TeamRow } from "../../store/teams.js";
import { isLookupable } from "../schemas/text.js";
import { assertOrganizationSlug, type AuthenticatedOrganization } from "../auth/require-organization.js";

/** The same 404 for unknown objects and other organizations' objects. */
export function notFound(code: string): AppError {
  return new AppError("not_found", code, "The requested resource does not exist");
}

/** The project named by `:org/:project`, within the token's organization. */
export async function loadProject(app: App, org: AuthenticatedOrganization, params: { org: string; project: string }): Promise<ProjectRow> {
  assertOrganizationSlug(org, params.org);
  const project = isLookupable(params.project) ? await findProjectBySlug(app, org.id, params.project) : undefined;
  if (!project) throw notFound("project_not_found");
  return project;
}

/** The team named by `:org/:team`, within the token's organization. */
export async function loadTeam(app: App, org: AuthenticatedOrganization, params: { org: string; team: string }): Promise<TeamRow> {
  assertOrganizationSlug(org, params.org);
  const team = isLookupable(params.team) ? await findTeamBySlug(app, org.id, params.team) : undefined;
  if (!team) throw notFound("team_not_found");
  return team;
}
