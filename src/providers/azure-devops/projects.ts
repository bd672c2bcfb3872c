import type { AzureDevopsClient } from "./client.js";

export interface AzureProject {
  id: string;
  name: string;
  state?: string;
}

const PAGE = 100;

/**
 * Every project of the organization. Azure pages projects with `$top`/`$skip` (and, on newer versions,
 * an `X-MS-ContinuationToken`): a full page or a token means there may be more.
 */
export async function listProjects(client: AzureDevopsClient): Promise<AzureProject[]> {
  const projects: AzureProject[] = [];
  let token: string | undefined;
  for (;;) {
    const page = await client.request<{ value?: AzureProject[] }>("GET", "_apis/projects", { query: { $top: PAGE, $skip: token ? undefined : projects.length, continuationToken: token } });
    const value = page.data?.value ?? [];
    projects.push(...value);
    token = page.continuationToken;
    if (!token && value.length < PAGE) return projects;
    if (!value.length) return projects;
  }
}
