import type { SimServer } from "../shared/sim-server.js";
import { apiVersion } from "./api-version.js";
import { isResponse, orgRoute, projectOf } from "./rest-context.js";
import type { AzureOrganization, AzureProject, AzureState } from "./state.js";
import { orgBaseUrl } from "./work-item-json.js";

/** A project as `_apis/projects` lists it. */
export function projectJson(baseUrl: string, org: AzureOrganization, project: AzureProject): Record<string, unknown> {
  return {
    id: project.id,
    name: project.name,
    description: project.description,
    url: `${orgBaseUrl(baseUrl, org)}_apis/projects/${project.id}`,
    state: "wellFormed",
    revision: project.revision,
    visibility: "private",
    lastUpdateTime: project.lastUpdateTime,
  };
}

/** Registers `/{organization}/_apis/projects[/{id}]`. */
export function registerProjectRoutes(server: SimServer, state: AzureState): void {
  server.route("GET", "/:org/_apis/projects", orgRoute(server, state, (req, { org }) => {
    const version = apiVersion(req);
    if (isResponse(version)) return version;
    const q = req.url.searchParams;
    const skip = Math.max(0, Number(q.get("$skip") ?? 0) || 0);
    const top = Math.max(0, Number(q.get("$top") ?? 100) || 100);
    const stateFilter = (q.get("stateFilter") ?? "wellFormed").toLowerCase();
    const all = stateFilter === "wellformed" || stateFilter === "all" ? [...org.projects.values()] : [];
    const value = all.sort((a, b) => a.name.localeCompare(b.name)).slice(skip, skip + top).map((p) => projectJson(server.url, org, p));
    return { status: 200, body: { count: value.length, value } };
  }));

  server.route("GET", "/:org/_apis/projects/:project", orgRoute(server, state, (req, { org }) => {
    const version = apiVersion(req);
    if (isResponse(version)) return version;
    const project = projectOf(state, org, req.params.project ?? "");
    if (isResponse(project)) return project;
    const orgBase = orgBaseUrl(server.url, org);
    return {
      status: 200,
      body: {
        ...projectJson(server.url, org, project),
        _links: { self: { href: `${orgBase}_apis/projects/${project.id}` }, collection: { href: `${orgBase}_apis/projectCollections/${org.collectionId}` }, web: { href: `${orgBase}${encodeURIComponent(project.name)}` } },
        defaultTeam: { id: project.id, name: `${project.name} Team`, url: `${orgBase}_apis/projects/${project.id}/teams/${project.id}` },
      },
    };
  }));
}
