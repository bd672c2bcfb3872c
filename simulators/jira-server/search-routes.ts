import type { SimServer } from "../shared/sim-server.js";
import { jiraError } from "./errors.js";
import { issueJson } from "./issue-json.js";
import { compileJql, JqlError } from "./jql.js";
import { intParam, jsonBody, userRoute } from "./rest-context.js";
import type { JiraState, JiraUser } from "./state.js";

/** Jira's `jira.search.views.default.max`: larger `maxResults` are cut down to it. */
const MAX_RESULTS = 1000;

interface SearchInput {
  jql: string;
  startAt: number;
  maxResults: number;
  fields: string | undefined;
  expand: string | undefined;
}

function search(base: string, state: JiraState, caller: JiraUser, input: SearchInput) {
  let compiled;
  try {
    compiled = compileJql(state, input.jql, caller);
  } catch (error) {
    if (error instanceof JqlError) return jiraError(400, [error.message]);
    throw error;
  }
  const found = [...state.issues.values()].filter((i) => compiled.matches(i)).sort((a, b) => compiled.compare(a, b));
  const maxResults = Math.min(input.maxResults, MAX_RESULTS);
  const page = found.slice(input.startAt, input.startAt + maxResults);
  return {
    status: 200,
    body: {
      expand: "schema,names",
      startAt: input.startAt,
      maxResults,
      total: found.length,
      issues: page.map((i) => {
        const json = issueJson(base, state, i, { fields: input.fields, expand: input.expand });
        // Search results carry a shorter expand list than a single issue.
        json.expand = "operations,versionedRepresentations,editmeta,changelog,renderedFields";
        return json;
      }),
    },
  };
}

/** `GET` and `POST /rest/api/2/search` over the JQL subset of jql.ts (§3). */
export function registerSearchRoutes(server: SimServer, state: JiraState): void {
  server.route("GET", "/rest/api/2/search", userRoute(state, (req, caller) => {
    const q = req.url.searchParams;
    return search(server.url, state, caller, {
      jql: q.get("jql") ?? "",
      startAt: intParam(req, "startAt", 0),
      maxResults: intParam(req, "maxResults", 50),
      fields: q.get("fields") ?? undefined,
      expand: q.get("expand") ?? undefined,
    });
  }));
  server.route("POST", "/rest/api/2/search", userRoute(state, (req, caller) => {
    const body = jsonBody(req);
    const list = (v: unknown) => (Array.isArray(v) ? v.map(String).join(",") : typeof v === "string" ? v : undefined);
    const int = (v: unknown, fallback: number) => (typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : fallback);
    return search(server.url, state, caller, {
      jql: typeof body.jql === "string" ? body.jql : "",
      startAt: int(body.startAt, 0),
      maxResults: int(body.maxResults, 50),
      fields: list(body.fields),
      expand: list(body.expand),
    });
  }));
}
