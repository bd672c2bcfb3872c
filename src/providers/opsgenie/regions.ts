import { AppError } from "../../domain/errors.js";

export type OpsgenieRegion = "us" | "eu";

/** Where an account's API lives: Switchboard's configured US / EU base, or the account's own base URL. */
export interface OpsgenieBaseUrls {
  apiUrl: string;
  euApiUrl: string;
}

/** The API base of an account (no trailing slash): its explicit `base_url`, else its region's configured base. */
export function opsgenieBaseUrl(account: { region?: string | null; baseUrl?: string | null }, urls: OpsgenieBaseUrls): string {
  if (account.baseUrl) return account.baseUrl.replace(/\/+$/, "");
  if (account.region === "eu") return urls.euApiUrl.replace(/\/+$/, "");
  if (account.region === "us" || !account.region) return urls.apiUrl.replace(/\/+$/, "");
  throw new AppError("validation", "opsgenie_unknown_region", `Unknown Opsgenie region "${account.region}" (us or eu)`);
}
