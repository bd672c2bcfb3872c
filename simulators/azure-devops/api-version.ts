import type { SimRequest, SimResponse } from "../shared/sim-server.js";
import { vssError } from "./errors.js";

/** A requested REST API version (`5.1`, `4.1-preview.1`). */
export interface ApiVersion {
  major: number;
  minor: number;
  preview: boolean;
  text: string;
}

const LATEST = { major: 7, minor: 2 };

/** The version Azure assumes for a GET without one: the latest. */
const DEFAULT_VERSION: ApiVersion = { major: LATEST.major, minor: LATEST.minor, preview: true, text: `${LATEST.major}.${LATEST.minor}-preview` };

/** The `api-version` of a request: the query parameter, else the `Accept` header's parameter (§2.2). */
function requestedVersion(req: SimRequest): string | undefined {
  const fromQuery = req.url.searchParams.get("api-version");
  if (fromQuery) return fromQuery.trim();
  const accept = req.headers.accept ?? "";
  const match = /(?:^|[;,\s])api-version\s*=\s*([^;,\s]+)/i.exec(accept);
  return match?.[1];
}

/**
 * Reads and checks the request's API version as Azure DevOps does: writes must name one, versions past
 * the latest are out of range, and preview-only resources need the `-preview` suffix.
 */
export function apiVersion(req: SimRequest, options: { previewOnly?: boolean } = {}): ApiVersion | SimResponse {
  const text = requestedVersion(req);
  if (!text) {
    if (req.method === "GET") return DEFAULT_VERSION;
    return vssError(
      400,
      `No api-version was supplied for the "${req.method}" request. The version must be supplied either as part of the Accept header (e.g. "application/json; api-version=1.0") or as a query parameter (e.g. "?api-version=1.0").`,
      "VssVersionNotSpecifiedException",
    );
  }
  const match = /^(\d+)\.(\d+)(-preview(\.\d+)?)?$/i.exec(text);
  if (!match) return vssError(400, `The api-version '${text}' is not valid. Expected a version such as "7.1" or "7.1-preview.1".`, "VssInvalidApiVersionException");
  const version: ApiVersion = { major: Number(match[1]), minor: Number(match[2]), preview: !!match[3], text };
  if (version.major > LATEST.major || (version.major === LATEST.major && version.minor > LATEST.minor)) {
    return vssError(
      400,
      `The requested REST API version of ${version.major}.${version.minor} is out of range for this server. The latest REST API version this server supports is ${LATEST.major}.${LATEST.minor}.`,
      "VssVersionOutOfRangeException",
    );
  }
  if (options.previewOnly && !version.preview) {
    const plain = `${version.major}.${version.minor}`;
    return vssError(
      400,
      `The requested version "${plain}" of the resource is under preview. The -preview flag must be supplied in the api-version for such requests. For example: "${plain}-preview"`,
      "VssInvalidPreviewVersionException",
    );
  }
  return version;
}

/** Whether work item identity fields render as IdentityRef objects (5.0 and later) rather than `"Name <email>"` strings. */
export function identitiesAsObjects(version: ApiVersion): boolean {
  return version.major >= 5;
}
