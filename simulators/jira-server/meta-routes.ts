import type { SimServer } from "../shared/sim-server.js";
import { jiraError } from "./errors.js";
import { fullProjectJson, issueTypeJson, jiraDate, priorityJson, projectJson, statusJson } from "./json-views.js";
import { publicRoute, userRoute } from "./rest-context.js";
import { ISSUE_TYPES, PRIORITIES, RESOLUTION_DONE, type JiraState } from "./state.js";
import { STATUS_CATEGORIES, workflowStatusIds } from "./workflows.js";

/** The Jira Server version the simulator presents itself as. */
export const JIRA_VERSION = { version: "9.12.2", versionNumbers: [9, 12, 2], buildNumber: 9120002, buildDate: Date.UTC(2023, 11, 5) };

/** Statuses, status categories, projects, issue types, priorities, resolutions and serverInfo (§3). */
export function registerMetaRoutes(server: SimServer, state: JiraState): void {
  const base = () => server.url;
  server.route("GET", "/rest/api/2/serverInfo", publicRoute(state, () => ({
    status: 200,
    body: {
      baseUrl: base(),
      version: JIRA_VERSION.version,
      versionNumbers: JIRA_VERSION.versionNumbers,
      deploymentType: "Server",
      buildNumber: JIRA_VERSION.buildNumber,
      buildDate: jiraDate(JIRA_VERSION.buildDate),
      serverTime: jiraDate(state.clock.now()),
      scmInfo: "f3a0c9bbd4b5d8e5cba1bb4e4d5d1c3a8a7f2c61",
      serverTitle: "Jira",
    },
  })));

  server.route("GET", "/rest/api/2/status", userRoute(state, () => ({ status: 200, body: state.statuses.map((s) => statusJson(base(), s)) })));
  server.route("GET", "/rest/api/2/status/:idOrName", userRoute(state, (req) => {
    const status = state.statusByNameOrId(req.params.idOrName ?? "");
    return status ? { status: 200, body: statusJson(base(), status) } : jiraError(404, [`The status with id '${req.params.idOrName}' does not exist`]);
  }));
  server.route("GET", "/rest/api/2/statuscategory", userRoute(state, () => ({
    status: 200,
    body: Object.values(STATUS_CATEGORIES).map((c) => ({ self: `${base()}/rest/api/2/statuscategory/${c.id}`, id: c.id, key: c.key, colorName: c.colorName, name: c.name })),
  })));

  server.route("GET", "/rest/api/2/project", userRoute(state, () => ({ status: 200, body: [...state.projects.values()].map((p) => projectJson(base(), p)) })));
  server.route("GET", "/rest/api/2/project/:idOrKey", userRoute(state, (req) => {
    const value = req.params.idOrKey ?? "";
    const project = state.project(value);
    if (!project) return jiraError(404, [/^\d+$/.test(value) ? `No project could be found with id '${value}'.` : `No project could be found with key '${value}'.`]);
    return { status: 200, body: fullProjectJson(base(), state, project, ISSUE_TYPES) };
  }));
  server.route("GET", "/rest/api/2/project/:idOrKey/statuses", userRoute(state, (req) => {
    const value = req.params.idOrKey ?? "";
    const project = state.project(value);
    if (!project) return jiraError(404, [`No project could be found with key '${value}'.`]);
    const statuses = workflowStatusIds(project.workflow).flatMap((id) => {
      const s = state.status(id);
      return s ? [statusJson(base(), s)] : [];
    });
    return { status: 200, body: ISSUE_TYPES.map((t) => ({ self: `${base()}/rest/api/2/issuetype/${t.id}`, id: t.id, name: t.name, subtask: false, statuses })) };
  }));

  server.route("GET", "/rest/api/2/issuetype", userRoute(state, () => ({ status: 200, body: ISSUE_TYPES.map((t) => issueTypeJson(base(), t)) })));
  server.route("GET", "/rest/api/2/priority", userRoute(state, () => ({ status: 200, body: PRIORITIES.map((p) => priorityJson(base(), p)) })));
  server.route("GET", "/rest/api/2/resolution", userRoute(state, () => ({ status: 200, body: [{ self: `${base()}/rest/api/2/resolution/${RESOLUTION_DONE.id}`, ...RESOLUTION_DONE }] })));
}
