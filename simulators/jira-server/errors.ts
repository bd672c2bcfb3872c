import type { SimRequest, SimResponse } from "../shared/sim-server.js";

/** Jira REST's error body: `{"errorMessages": [...], "errors": {field: message}}`. */
export function jiraError(status: number, errorMessages: string[], errors: Record<string, string> = {}): SimResponse {
  return { status, body: { errorMessages, errors } };
}

/** A refusal raised while changing an issue; REST answers it as is, the control API as a 400 `{error}`. */
export class JiraRestError extends Error {
  constructor(readonly response: SimResponse) {
    const body = response.body as { errorMessages?: string[]; errors?: Record<string, string> } | undefined;
    super([...(body?.errorMessages ?? []), ...Object.entries(body?.errors ?? {}).map(([k, v]) => `${k}: ${v}`)].join("; ") || `HTTP ${response.status}`);
  }
}

/** Throws Jira's error body as a `JiraRestError`. */
export function fail(status: number, errorMessages: string[], errors: Record<string, string> = {}): never {
  throw new JiraRestError(jiraError(status, errorMessages, errors));
}

/** What an anonymous caller gets from a REST resource that needs a user. */
export function notAuthenticated(): SimResponse {
  return jiraError(401, ["You are not authenticated. Authentication required to perform this operation."]);
}

/**
 * An unknown path: the Atlassian REST plugin's Jersey 404 for `/rest/...`, Jira's HTML page elsewhere.
 */
export function notFound(req: SimRequest, base: string): SimResponse {
  if (req.path.startsWith("/rest/")) return { status: 404, body: { message: `null for uri: ${base}${req.path}${req.url.search}`, "status-code": 404 } };
  return {
    status: 404,
    headers: { "content-type": "text/html;charset=UTF-8" },
    body: "<!DOCTYPE html><html><head><title>Oops, you&#39;ve found a dead link. - Jira</title></head><body><h1>Oops, you've found a dead link.</h1></body></html>",
  };
}

/** Jersey's answer when a JSON resource gets another content type. */
export function unsupportedMediaType(): SimResponse {
  return { status: 415, headers: { "content-type": "text/html;charset=UTF-8" }, body: "<html><head><title>Unsupported Media Type</title></head><body><h1>HTTP Status 415 - Unsupported Media Type</h1></body></html>" };
}

/** Whether a request body is declared as JSON. */
export function isJson(req: SimRequest): boolean {
  return (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() === "application/json";
}
