/** One request parameter as it takes part in the signature (already decoded). */
export interface OAuthParam {
  name: string;
  value: string;
}

/** RFC 3986 percent-encoding as RFC 5849 §3.6 wants it: only `A-Z a-z 0-9 - . _ ~` stay as they are (§3.2 rule 4). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Decodes one `application/x-www-form-urlencoded` component (`+` is a space), as RFC 5849 §3.4.1.3.1
 * says query and body parameters are decoded. Malformed escapes are kept literally, as Java's decoder
 * would refuse the request rather than guess; the signature then simply fails.
 */
export function formDecode(value: string): string {
  const spaced = value.replace(/\+/g, " ");
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** Splits a raw query string or form body into decoded parameters, keeping duplicates and order. */
export function parseFormParams(raw: string): OAuthParam[] {
  const out: OAuthParam[] = [];
  if (!raw) return out;
  for (const pair of raw.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const name = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? "" : pair.slice(eq + 1);
    out.push({ name: formDecode(name), value: formDecode(value) });
  }
  return out;
}

/**
 * The base string URI (§3.2 rule 2): scheme and host lowercased, the default port (80 for http, 443
 * for https) dropped, the path kept as sent (empty becomes `/`), query and fragment dropped.
 */
export function baseStringUri(url: string): string {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/.exec(url);
  if (!match) throw new Error(`not an absolute URL: ${url}`);
  const scheme = (match[1] as string).toLowerCase();
  let authority = (match[2] as string).toLowerCase();
  // Userinfo never takes part in the base string.
  authority = authority.slice(authority.lastIndexOf("@") + 1);
  const portMatch = /^(.*?)(?::(\d*))?$/.exec(authority);
  const host = portMatch?.[1] ?? authority;
  const port = portMatch?.[2];
  const isDefault = !port || (scheme === "http" && port === "80") || (scheme === "https" && port === "443");
  const path = match[3] || "/";
  return `${scheme}://${host}${isDefault ? "" : `:${port}`}${path}`;
}

/** Normalized parameters (§3.2 rule 5): each name and value encoded, sorted by name then value in byte order, joined. */
export function normalizeParameters(params: OAuthParam[]): string {
  const encoded = params.map((p) => [percentEncode(p.name), percentEncode(p.value)] as const);
  // Encoded strings are ASCII, so code-unit order is byte order.
  encoded.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return encoded.map(([n, v]) => `${n}=${v}`).join("&");
}

/** The signature base string (§3.2 rule 1): `METHOD&pct(base-uri)&pct(normalized-params)`. */
export function signatureBaseString(method: string, url: string, params: OAuthParam[]): string {
  return `${method.toUpperCase()}&${percentEncode(baseStringUri(url))}&${percentEncode(normalizeParameters(params))}`;
}

/**
 * Collects the parameters that are signed (§3.2 rule 3): the query string, the `Authorization: OAuth`
 * parameters except `realm` and `oauth_signature`, and the body only when it is form-encoded.
 */
export function collectSignedParameters(input: { url: string; headerParams: OAuthParam[]; contentType?: string | undefined; body?: string | undefined }): OAuthParam[] {
  const queryIndex = input.url.indexOf("?");
  const rawQuery = queryIndex < 0 ? "" : input.url.slice(queryIndex + 1).split("#")[0] ?? "";
  const params = parseFormParams(rawQuery);
  for (const p of input.headerParams) {
    if (p.name === "realm" || p.name === "oauth_signature") continue;
    params.push(p);
  }
  if (input.body && isFormEncoded(input.contentType)) params.push(...parseFormParams(input.body));
  return params.filter((p) => p.name !== "oauth_signature");
}

/** Whether a Content-Type names `application/x-www-form-urlencoded` (parameters such as charset allowed). */
export function isFormEncoded(contentType: string | undefined): boolean {
  return (contentType ?? "").split(";")[0]?.trim().toLowerCase() === "application/x-www-form-urlencoded";
}
