import { ApiError, get, request, seg } from "./api.js";

/** An installed integration, reduced to what pickers need. */
export interface IntegrationSummary {
  id: string;
  name: string;
  provider: string;
  status: string;
}

/** One authorization failure class seen for the credential, with what to do about it. */
export interface AuthFailure {
  class: string;
  count: number;
  firstAt: string;
  lastAt: string;
  lastMessage: string | null;
  advice: string;
}

/** An integration's health as `GET /api/0/organizations/{org}/integrations/` answers it. */
export interface IntegrationHealth {
  id: string;
  provider: string;
  account: string;
  externalId: string;
  status: "active" | "disabled";
  installedAt: string;
  credential: {
    state: string;
    needsReauth: boolean;
    validUntil: string | null;
    lastRefreshedAt: string | null;
    lastError: string | null;
    refreshPendingSince: string | null;
  };
  authFailures: AuthFailure[];
  webhook: {
    lastReceivedAt: string | null;
    lastEvent: string | null;
    lastState: string | null;
    lastVerifiedBy: string | null;
    lastRejection: { reason: string; secretTried: string; at: string } | null;
  };
  subscription: { kind: string; id: string | null; state: string; since: string | null };
  syncSettings: Record<string, unknown>;
}

/** What `authorize-check` answers: the call made and, on failure, its class and advice. */
export interface AuthorizeCheck {
  ok: boolean;
  provider: string;
  call: string;
  class: string | null;
  code: string | null;
  message: string | null;
  advice: string | null;
  checkedAt: string;
}

/** Providers with a browser install flow (the install API's path segment) and how people call them. */
export const INSTALLABLE = [
  { provider: "github", label: "GitHub" },
  { provider: "vsts", label: "Azure DevOps" },
  { provider: "jira_server", label: "Jira Server" },
  { provider: "bitbucket", label: "Bitbucket" },
] as const;

/** A provider key as people call it. */
export function providerLabel(provider: string): string {
  return INSTALLABLE.find((p) => p.provider === provider)?.label ?? (provider === "opsgenie" ? "Opsgenie" : provider);
}

const base = (org: string) => `/api/0/organizations/${seg(org)}/integrations/`;

/** The organization's integrations with their health; null when this server has no integrations API (404). */
export async function listIntegrationHealth(org: string): Promise<IntegrationHealth[] | null> {
  try {
    return await get<IntegrationHealth[]>(base(org));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404 && error.code !== "organization_not_found") return null;
    throw error;
  }
}

/** The organization's integrations for pickers; null when this server has no integrations API yet. */
export async function listIntegrations(org: string): Promise<IntegrationSummary[] | null> {
  const rows = await listIntegrationHealth(org);
  return rows && rows.map((r) => ({ id: r.id, name: r.account, provider: r.provider, status: r.status }));
}

/** Starts an install flow; answers the URL to send the browser to (it carries the signed state). */
export async function startInstall(org: string, provider: string, flow?: "legacy" | "entra"): Promise<string> {
  const { data } = await request<{ url: string }>("POST", `${base(org)}${seg(provider)}/install/`, flow ? { flow } : {});
  return data.url;
}

/** Exercises the credential once (a failure marks it needs_reauth when the provider revoked it). */
export async function authorizeCheck(org: string, id: string): Promise<AuthorizeCheck> {
  return (await request<AuthorizeCheck>("POST", `${base(org)}${seg(id)}/authorize-check/`)).data;
}

/** Saves sync settings (only the keys given change). */
export async function saveSyncSettings(org: string, id: string, syncSettings: Record<string, unknown>): Promise<IntegrationHealth> {
  return (await request<IntegrationHealth>("PUT", `${base(org)}${seg(id)}/`, { syncSettings })).data;
}

/** Uninstalls: removes what was registered at the provider and disables the installation. */
export async function uninstall(org: string, id: string): Promise<{ removedAtProvider: string | null }> {
  return (await request<{ removedAtProvider: string | null }>("DELETE", `${base(org)}${seg(id)}/`)).data;
}
