import { createHash } from "node:crypto";
import { oauthPercentEncode } from "./oauth1-base-string.js";

/** The canonical URI (contract §4.5): base URL's context path stripped, `&` escaped, leading `/`, no trailing `/`. */
export function canonicalUri(pathname: string, contextPath = ""): string {
  let uri = pathname;
  const prefix = contextPath.replace(/\/+$/, "");
  if (prefix && uri.startsWith(prefix)) uri = uri.slice(prefix.length);
  if (!uri) return "/";
  uri = uri.replace(/&/g, "%26");
  if (!uri.startsWith("/")) uri = `/${uri}`;
  if (uri.length > 1 && uri.endsWith("/")) uri = uri.slice(0, -1);
  return uri;
}

/** The canonical query: `jwt` dropped, keys sorted, each part RFC 3986-encoded, repeated values sorted and joined with `,`. */
export function canonicalQuery(params: URLSearchParams): string {
  const byKey = new Map<string, string[]>();
  for (const [key, value] of params) {
    if (key === "jwt") continue;
    byKey.set(key, [...(byKey.get(key) ?? []), value]);
  }
  return [...byKey.keys()]
    .sort()
    .map((key) => `${oauthPercentEncode(key)}=${(byKey.get(key) as string[]).sort().map(oauthPercentEncode).join(",")}`)
    .join("&");
}

/** `METHOD&canonical-uri&canonical-query` of a request (contract §4.5). */
export function canonicalRequest(method: string, url: URL, contextPath = ""): string {
  return `${method.toUpperCase()}&${canonicalUri(url.pathname, contextPath)}&${canonicalQuery(url.searchParams)}`;
}

/** The `qsh` claim: lowercase hex SHA-256 of the canonical request; ties a JWT to one method, path and query. */
export function queryStringHash(method: string, url: URL, contextPath = ""): string {
  return createHash("sha256").update(canonicalRequest(method, url, contextPath), "utf8").digest("hex");
}
