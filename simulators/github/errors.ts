import type { SimResponse } from "../shared/sim-server.js";

export const REST_DOCS = "https://docs.github.com/rest";

/** GitHub's `basic-error` body (§1.4): message, documentation_url and, as newer responses do, the status as a string. */
export function githubError(status: number, message: string, documentationUrl = REST_DOCS, headers?: Record<string, string>): SimResponse {
  return { status, headers, body: { message, documentation_url: documentationUrl, status: String(status) } };
}

/** One entry of a `validation-error` body. */
export interface ValidationIssue {
  resource: string;
  field: string;
  code: string;
  value?: unknown;
  message?: string;
}

/** 422 `Validation Failed` with its `errors` list (§1.4). */
export function validationFailed(errors: ValidationIssue[], documentationUrl = REST_DOCS): SimResponse {
  return { status: 422, body: { message: "Validation Failed", errors, documentation_url: documentationUrl, status: "422" } };
}

/** 422 from GitHub's JSON-schema check of a request body (e.g. `"title" wasn't supplied.`). */
export function invalidRequest(detail: string, documentationUrl = REST_DOCS): SimResponse {
  return githubError(422, `Invalid request.\n\n${detail}`, documentationUrl);
}

/** 400 for a body that is not JSON. */
export function problemsParsingJson(documentationUrl = REST_DOCS): SimResponse {
  return githubError(400, "Problems parsing JSON", documentationUrl);
}

export const notFound = (documentationUrl = REST_DOCS): SimResponse => githubError(404, "Not Found", documentationUrl);

/** Endpoint documentation links GitHub puts in its error bodies. */
export const DOCS = {
  createToken: "https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app",
  getInstallation: "https://docs.github.com/rest/apps/apps#get-an-installation-for-the-authenticated-app",
  getRepo: "https://docs.github.com/rest/repos/repos#get-a-repository",
  getIssue: "https://docs.github.com/rest/issues/issues#get-an-issue",
  createIssue: "https://docs.github.com/rest/issues/issues#create-an-issue",
  updateIssue: "https://docs.github.com/rest/issues/issues#update-an-issue",
  addAssignees: "https://docs.github.com/rest/issues/assignees#add-assignees-to-an-issue",
  removeAssignees: "https://docs.github.com/rest/issues/assignees#remove-assignees-from-an-issue",
  checkAssignee: "https://docs.github.com/rest/issues/assignees#check-if-a-user-can-be-assigned",
  comments: "https://docs.github.com/rest/issues/comments#create-an-issue-comment",
  search: "https://docs.github.com/rest/search/search#search-issues-and-pull-requests",
  rateLimit: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
  secondaryRateLimit: "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
} as const;
