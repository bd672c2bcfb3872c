import { createHash } from "node:crypto";

/** RFC 3986 percent-encoding as Atlassian applies it (provider-contracts §4.5): `encodeURIComponent` plus `!'()*`. */
function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalUri(path: string, contextPath: string): string {
  let uri = path;
  const prefix = contextPath.replace(/\/+$/, "");
  if (prefix && uri.startsWith(prefix)) uri = uri.slice(prefix.length);
  if (!uri) return "/";
  uri = uri.replace(/&/g, "%26");
  if (!uri.startsWith("/")) uri = `/${uri}`;
  if (uri.length > 1 && uri.endsWith("/")) uri = uri.slice(0, -1);
  return uri;
}

function canonicalQuery(params: URLSearchParams): string {
  const byKey = new Map<string, string[]>();
  for (const [key, value] of params) {
    if (key === "jwt") continue;
    byKey.set(key, [...(byKey.get(key) ?? []), value]);
  }
  return [...byKey.keys()]
    .sort()
    .map((key) => `${encodeRfc3986(key)}=${(byKey.get(key) ?? []).sort().map(encodeRfc3986).join(",")}`)
    .join("&");
}

/** `METHOD&canonical-uri&canonical-query` (§4.5): context path stripped, `jwt` dropped, repeated values joined. */
export function canonicalRequest(method: string, path: string, query: URLSearchParams, contextPath = ""): string {
  return `${method.toUpperCase()}&${canonicalUri(path, contextPath)}&${canonicalQuery(query)}`;
}

/** The Atlassian Connect `qsh` claim: lowercase hex SHA-256 of the canonical request (§4.5). */
export function queryStringHash(method: string, path: string, query: URLSearchParams, contextPath = ""): string {
  return createHash("sha256").update(canonicalRequest(method, path, query, contextPath), "utf8").digest("hex");
}
