import { formDecode, type OAuthParam } from "./oauth-base-string.js";

/**
 * Parses `Authorization: OAuth realm="…", oauth_consumer_key="…", …` (RFC 5849 §3.5.1) into decoded
 * parameters; undefined when the header does not use the OAuth scheme.
 */
export function parseOAuthHeader(header: string | undefined): OAuthParam[] | undefined {
  if (!header) return undefined;
  const match = /^\s*OAuth(?:\s+(.*))?$/is.exec(header);
  if (!match) return undefined;
  const rest = match[1] ?? "";
  const params: OAuthParam[] = [];
  // name="value" pairs separated by commas; values are percent-encoded so they hold no quotes.
  const pair = /\s*([^=,\s]+)\s*=\s*"([^"]*)"\s*(?:,|$)/gy;
  let m: RegExpExecArray | null;
  while ((m = pair.exec(rest)) !== null) {
    params.push({ name: formDecode(m[1] as string), value: formDecode(m[2] as string) });
    if (pair.lastIndex >= rest.length) break;
  }
  return params;
}
