import type { SimRequest, SimServer } from "../shared/sim-server.js";
import { fail, jiraError } from "./errors.js";
import { issueOf } from "./issue-routes.js";
import { fullUserJson, userJson } from "./json-views.js";
import { intParam, userRoute } from "./rest-context.js";
import type { JiraState, JiraUser } from "./state.js";

/**
 * Jira Server's user picker match: the query (case-insensitive) starts the username, the e-mail
 * address, the full name, or any word of the full name.
 */
export function userMatches(user: JiraUser, query: string): boolean {
  const q = query.toLowerCase();
  if (q === "") return false;
  if (user.name.toLowerCase().startsWith(q)) return true;
  if (user.emailAddress?.toLowerCase().startsWith(q)) return true;
  const full = user.displayName.toLowerCase();
  return full.startsWith(q) || full.split(/[\s.,()-]+/).some((w) => w.startsWith(q));
}

function byDisplayName(a: JiraUser, b: JiraUser): number {
  const da = a.displayName.toLowerCase();
  const db = b.displayName.toLowerCase();
  return da < db ? -1 : da > db ? 1 : a.name < b.name ? -1 : 1;
}

function page(req: SimRequest, users: JiraUser[]): JiraUser[] {
  const startAt = intParam(req, "startAt", 0);
  const maxResults = Math.min(intParam(req, "maxResults", 50), 1000);
  return users.slice(startAt, startAt + maxResults);
}

/** `user`, `user/search`, `user/assignable/search` and `myself` (Server: `username=`, §3). */
export function registerUserRoutes(server: SimServer, state: JiraState): void {
  server.route("GET", "/rest/api/2/user", userRoute(state, (req) => {
    const username = req.url.searchParams.get("username");
    const key = req.url.searchParams.get("key");
    if (username !== null) {
      const user = state.userByName(username);
      return user ? { status: 200, body: fullUserJson(server.url, user) } : jiraError(404, [`The user named '${username}' does not exist`]);
    }
    if (key !== null) {
      const user = state.userByKey(key);
      return user ? { status: 200, body: fullUserJson(server.url, user) } : jiraError(404, [`The user with the key '${key}' does not exist`]);
    }
    return jiraError(400, ["Either the 'username' or the 'key' query parameter must be provided"]);
  }));

  server.route("GET", "/rest/api/2/user/search", userRoute(state, (req) => {
    const query = req.url.searchParams.get("username");
    if (query === null || query.trim() === "") return jiraError(400, ["The username query parameter was not provided"]);
    const includeActive = req.url.searchParams.get("includeActive") !== "false";
    const includeInactive = req.url.searchParams.get("includeInactive") === "true";
    const found = [...state.users.values()]
      .filter((u) => (u.active ? includeActive : includeInactive))
      .filter((u) => userMatches(u, query.trim()))
      .sort(byDisplayName);
    return { status: 200, body: page(req, found).map((u) => userJson(server.url, u)) };
  }));

  server.route("GET", "/rest/api/2/user/assignable/search", userRoute(state, (req) => {
    const issueKey = req.url.searchParams.get("issueKey");
    const projectKey = req.url.searchParams.get("project");
    if (issueKey === null && projectKey === null) return jiraError(400, ["At least one of 'issueKey' or 'project' must be specified."]);
    if (issueKey !== null) issueOf(state, issueKey);
    else if (!state.project(projectKey ?? "")) fail(404, [`No project could be found with key '${projectKey}'.`]);
    const query = req.url.searchParams.get("username") ?? "";
    const found = [...state.users.values()].filter((u) => u.active && (query === "" || userMatches(u, query))).sort(byDisplayName);
    return { status: 200, body: page(req, found).map((u) => userJson(server.url, u)) };
  }));

  server.route("GET", "/rest/api/2/myself", userRoute(state, (_req, caller) => ({ status: 200, body: fullUserJson(server.url, caller) })));
}
