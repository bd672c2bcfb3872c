/** RFC 3986 percent-encoding as OAuth 1.0a requires it (RFC 5849 §3.6): only unreserved characters stay, space is `%20`. */
export function oauthPercentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Base string URI (RFC 5849 §3.4.1.2): lower-case scheme and host, default port dropped, no query or fragment. */
export function baseStringUri(url: URL): string {
  const scheme = url.protocol.replace(/:$/, "").toLowerCase();
  const defaultPort = (scheme === "http" && url.port === "80") || (scheme === "https" && url.port === "443");
  const port = url.port && !defaultPort ? `:${url.port}` : "";
  return `${scheme}://${url.hostname.toLowerCase()}${port}${url.pathname}`;
}

/** Form-decoding as RFC 5849 §3.4.1.3.1 wants it: `+` is a space (browsers' form encoding), then percent-decoding. */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, " "));
  } catch {
    return value;
  }
}

/** Name/value pairs of a query string or form body, decoded, keeping duplicates and empty values. */
export function decodeFormPairs(encoded: string): Array<[string, string]> {
  if (!encoded) return [];
  return encoded
    .split("&")
    .filter((part) => part.length > 0)
    .map((part) => {
      const eq = part.indexOf("=");
      return eq < 0 ? [formDecode(part), ""] : [formDecode(part.slice(0, eq)), formDecode(part.slice(eq + 1))];
    });
}

/**
 * The signature base string (RFC 5849 §3.4.1): method, base URI and the normalized parameters of the
 * query, the OAuth protocol parameters and a form-encoded body (never JSON), each pair encoded, then
 * sorted by name and value.
 */
export function signatureBaseString(method: string, url: URL, oauthParams: Array<[string, string]>, formBody?: string): string {
  const pairs: Array<[string, string]> = [
    ...decodeFormPairs(url.search.replace(/^\?/, "")),
    ...oauthParams.filter(([name]) => name !== "realm" && name !== "oauth_signature"),
    ...(formBody ? decodeFormPairs(formBody) : []),
  ].map(([n, v]) => [oauthPercentEncode(n), oauthPercentEncode(v)]);
  pairs.sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const normalized = pairs.map(([n, v]) => `${n}=${v}`).join("&");
  return [method.toUpperCase(), oauthPercentEncode(baseStringUri(url)), oauthPercentEncode(normalized)].join("&");
}
