/** The fields of a Sentry auth header (`Sentry sentry_key=..., sentry_version=7, ...`). */
export interface SentryAuth {
  key?: string;
  version?: string;
  client?: string;
  secret?: string;
}

/** Parses `X-Sentry-Auth` / `Authorization: Sentry ...`; undefined when it is not a Sentry auth header. */
export function parseSentryAuthHeader(value: string | undefined): SentryAuth | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (!/^sentry\s/i.test(trimmed)) return undefined;
  const auth: SentryAuth = {};
  for (const part of trimmed.slice(6).split(",")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim().toLowerCase().replace(/^sentry_/, "");
    const v = part.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1");
    if (name === "key") auth.key = v;
    else if (name === "version") auth.version = v;
    else if (name === "client") auth.client = v;
    else if (name === "secret") auth.secret = v;
  }
  return auth;
}

/** The public key and project id of a DSN (`https://<key>@host/<project>`), or undefined. */
export function parseDsn(dsn: unknown): { publicKey: string; projectId: string } | undefined {
  if (typeof dsn !== "string" || dsn.length > 2048) return undefined;
  try {
    const url = new URL(dsn);
    const projectId = url.pathname.split("/").filter(Boolean).pop();
    if (!url.username || !projectId) return undefined;
    return { publicKey: decodeURIComponent(url.username), projectId };
  } catch {
    return undefined;
  }
}
