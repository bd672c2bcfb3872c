import type { AzureDevopsClient } from "./client.js";

export interface AzureProject {
  id: string;
  name: string;
  state?: string;
}

/** Every project of the organization, following continuation tokens. */
export async function listProjects(client: AzureDevopsClient): Promise<AzureProject[]> {
  return client.list<AzureProject>("_apis/projects", { query: { $top: 100 } });
}
