// One process of the refresh-storm benchmark: opens the shared store, waits for the common start instant,
// makes its concurrent calls with one kind of client, and prints {ok, failed, invalidGrant, errors} as JSON.
import { createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { azureClientFor } from "../src/providers/azure-devops/integration-client.js";
import { getWorkItem } from "../src/providers/azure-devops/work-items.js";
import { GithubClient } from "../src/providers/github/client.js";

const [kind, countText, startAtText, schema, keyPrefix, target] = process.argv.slice(2) as [string, string, string, string, string, string];
const count = Number(countText);
const config = loadConfig(process.env);
const app = await createApp(config, { schema, keyPrefix, migrate: false, logger: createLogger("silent") });

interface SentryIdentityData {
  access_token: string;
  refresh_token: string;
  expires: number;
}

/**
 * Sentry's VstsApiClient (§1.2-1.5): read the identity, refresh when `expires <= now` with no lock and no
 * re-read, overwrite the whole blob on success, raise on invalid_grant; then the call with the token.
 */
async function sentryStyleCall(instanceUrl: string, externalId: string, workItemId: string): Promise<"ok" | "invalid_grant" | "failed"> {
  const row = await app.store.db.selectFrom("identities").select("credential").where("provider", "=", "vsts-sentry").where("external_id", "=", externalId).executeTakeFirstOrThrow();
  let data = app.vault.openJson<SentryIdentityData>(row.credential);
  if (data.expires <= Math.floor(Date.now() / 1000)) {
    const settings = config.azureDevops;
    const response = await fetch(`${settings.vsspsUrl}/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        client_assertion: settings.clientSecret ?? "",
        grant_type: "refresh_token",
        assertion: data.refresh_token,
        redirect_uri: settings.redirectUrl ?? "",
      }),
    });
    const payload = (await response.json()) as Record<string, string>;
    if (response.status !== 200) return payload.Error === "invalid_grant" || payload.error === "invalid_grant" ? "invalid_grant" : "failed";
    data = { access_token: payload.access_token!, refresh_token: payload.refresh_token ?? data.refresh_token, expires: Math.floor(Date.now() / 1000) + Number(payload.expires_in) };
    await app.store.db.updateTable("identities").set({ credential: app.vault.sealJson(data) }).where("provider", "=", "vsts-sentry").where("external_id", "=", externalId).execute();
  }
  const call = await fetch(`${instanceUrl}_apis/wit/workitems/${workItemId}`, {
    headers: { authorization: `Bearer ${data.access_token}`, accept: "application/json; api-version=4.1", "x-tfs-fedauthredirect": "Suppress" },
  });
  await call.text();
  return call.status === 200 ? "ok" : "failed";
}

async function oneCall(): Promise<"ok" | "invalid_grant" | "failed"> {
  if (kind === "ours-azure") {
    const [instanceUrl, externalId, workItemId] = target.split("|") as [string, string, string];
    const client = azureClientFor(app, { instanceUrl, flow: "legacy", identity: { externalId, scopes: ["vso.code", "vso.work_write"] } });
    await getWorkItem(client, workItemId);
    return "ok";
  }
  if (kind === "sentry-azure") {
    const [instanceUrl, externalId, workItemId] = target.split("|") as [string, string, string];
    return sentryStyleCall(instanceUrl, externalId, workItemId);
  }
  const [installationId, repo] = target.split("|") as [string, string];
  const response = await new GithubClient(app, installationId).request("GET", `/repos/${repo}`);
  return response.status === 200 ? "ok" : "failed";
}

const startAt = Number(startAtText);
while (Date.now() < startAt) await new Promise((r) => setTimeout(r, 1));
const errors: string[] = [];
const outcomes = await Promise.all(
  Array.from({ length: count }, () =>
    oneCall().catch((error: unknown) => {
      errors.push((error as Error).message);
      return "failed" as const;
    }),
  ),
);
await app.close();
process.stdout.write(
  JSON.stringify({
    ok: outcomes.filter((o) => o === "ok").length,
    failed: outcomes.filter((o) => o !== "ok").length,
    invalidGrant: outcomes.filter((o) => o === "invalid_grant").length,
    errors: [...new Set(errors)].slice(0, 3),
  }),
);
process.exit(0);
