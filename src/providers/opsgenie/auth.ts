import { apiKeyScheme } from "../../auth/schemes/api-key.js";
import type { AuthScheme } from "../../auth/authorize.js";

/** Opsgenie's `Authorization: GenieKey <key>` (provider-contracts §5.1); a static key nothing can renew. */
export function genieKeyScheme(integrationKey: string): AuthScheme {
  return apiKeyScheme("authorization", () => `GenieKey ${integrationKey}`);
}
