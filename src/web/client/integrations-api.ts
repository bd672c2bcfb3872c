import { ApiError, get, seg } from "./api.js";

/** An installed integration, whatever shape the integrations API settles on (Sentry's or flat). */
export interface IntegrationSummary {
  id: string;
  name: string;
  provider: string;
  status: string;
}

/** The organization's integrations; null when this server has no integrations API yet (404). */
export async function listIntegrations(org: string): Promise<IntegrationSummary[] | null> {
  try {
    const rows = await get<Record<string, unknown>[]>(`/api/0/organizations/${seg(org)}/integrations/`);
    return rows.map((r) => {
      const provider = r.provider;
      const providerName = typeof provider === "object" && provider ? String((provider as Record<string, unknown>).key ?? (provider as Record<string, unknown>).name ?? "") : String(provider ?? "");
      return { id: String(r.id), name: String(r.name ?? providerName), provider: providerName, status: String(r.status ?? "active") };
    });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404 && error.code !== "organization_not_found") return null;
    throw error;
  }
}
