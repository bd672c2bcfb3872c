import type { AzureDevopsClient } from "./client.js";

/** The signed-in user (`app.vssps.visualstudio.com/_apis/profile/profiles/me`, §1.7). */
export interface AzureProfile {
  id: string;
  displayName: string;
  emailAddress: string;
  publicAlias?: string;
}

/** An organization ("account") the user belongs to, with its instance URL. */
export interface AzureAccount {
  accountId: string;
  accountName: string;
  accountUri: string;
}

/** Reads the authorizing user's profile (api-version 1.0, as Sentry asks). */
export async function getProfile(client: AzureDevopsClient, vsspsUrl: string): Promise<AzureProfile> {
  return (await client.request<AzureProfile>("GET", `${vsspsUrl}/_apis/profile/profiles/me`, { query: { "api-version": "1.0" } })).data;
}

/** Lists the organizations a member belongs to. */
export async function listAccounts(client: AzureDevopsClient, vsspsUrl: string, memberId: string): Promise<AzureAccount[]> {
  return (await client.request<{ value?: AzureAccount[] }>("GET", `${vsspsUrl}/_apis/accounts`, { query: { memberId } })).data?.value ?? [];
}
