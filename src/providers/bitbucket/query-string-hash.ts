import { queryStringHash as qshOfUrl, canonicalRequest as canonicalOfUrl } from "../../auth/schemes/atlassian-qsh.js";

/** A URL carrying `path` and `query`, for the Atlassian canonicalisation (the origin plays no part in it). */
function urlOf(path: string, query: URLSearchParams): URL {
  const url = new URL("http://canonical.invalid");
  url.pathname = path;
  url.search = query.toString();
  return url;
}

/** `METHOD&canonical-uri&canonical-query` (§4.5) of a received request: the same rules our own JWTs are signed with. */
export function canonicalRequest(method: string, path: string, query: URLSearchParams, contextPath = ""): string {
  return canonicalOfUrl(method, urlOf(path, query), contextPath);
}

/** The `qsh` a received Connect JWT must carry for this request (§4.5). */
export function queryStringHash(method: string, path: string, query: URLSearchParams, contextPath = ""): string {
  return qshOfUrl(method, urlOf(path, query), contextPath);
}
