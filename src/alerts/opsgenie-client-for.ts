import type { App } from "../app.js";
import { OpsgenieClient } from "../providers/opsgenie/client.js";
import { opsgenieBaseUrl } from "../providers/opsgenie/regions.js";
import type { OpsgenieAccount } from "../store/opsgenie-accounts.js";

/** The base URL an account's calls go to (its region's configured base, or its own). */
export function accountBaseUrl(app: App, account: Pick<OpsgenieAccount, "region" | "baseUrl">): string {
  return opsgenieBaseUrl(account, app.config.opsgenie);
}

/** A client for one account with a sealed key (a team's integration key or the account's API key), opened only here. */
export function opsgenieClientFor(app: App, account: Pick<OpsgenieAccount, "region" | "baseUrl">, sealedKey: string): OpsgenieClient {
  return new OpsgenieClient({
    baseUrl: accountBaseUrl(app, account),
    integrationKey: app.vault.open(sealedKey),
    send: { allowedPrivateTargets: app.config.allowPrivateTargets },
    timeoutMs: app.config.opsgenie.timeoutMs,
  });
}

/** What an API response shows instead of a key: its last four characters. */
export function maskKey(key: string): string {
  return `********${key.slice(-4)}`;
}
