import type { FastifyInstance } from "fastify";
import type { App } from "../../app.js";
import { apiKeyScheme } from "../../auth/schemes/api-key.js";
import { AppError } from "../../domain/errors.js";
import { isoNow } from "../../platform/clock.js";
import { exchangeCode, type AzureAuthFlow } from "../../providers/azure-devops/auth.js";
import { AzureDevopsClient } from "../../providers/azure-devops/client.js";
import { AZURE_IDENTITY_PROVIDER, azureClientFor, azureSendOptions } from "../../providers/azure-devops/integration-client.js";
import { azureAuthorizeUrl, azureCollectionId, azureProfileAndAccounts, LEGACY_INSTALL_SCOPES, subscribeWorkItemUpdates } from "../../providers/azure-devops/install.js";
import { readCredential, writeCredential } from "../../store/identities.js";
import { findIntegrationByExternalId, upsertIntegration } from "../../store/integrations.js";
import { ensureOrganizationInstallation } from "../../store/organization-installations.js";
import { field, registerBrowserSteps } from "./browser-step.js";
import { escapeHtml, sendInstallPage } from "./install-page.js";
import { consumeInstallState, readInstallState, signInstallState, STATE_TTL_SECONDS } from "./install-state.js";

const ACCOUNT_STEP = "vsts:account";

/** What the callback learned, kept server-side (cache) until the person picks an organization; no secret in it. */
interface PendingAzureInstall {
  organizationId: number;
  flow: AzureAuthFlow;
  identityExternalId: string;
  scopes: string[];
  accounts: Array<{ accountId: string; accountName: string; accountUri: string }>;
}

function flowOfState(app: App, state: string | undefined): AzureAuthFlow {
  try {
    readInstallState(app, state, "vsts_new");
    return "entra";
  } catch {
    return "legacy";
  }
}

/** Stores (or re-authorizes) the authorizing user's identity with its tokens sealed; returns its row id. */
async function storeIdentity(app: App, externalId: string, grant: { accessToken: string; refreshToken?: string; expiresInSeconds?: number; scopes: string[] }, scopes: string[]): Promise<number> {
  if (!grant.refreshToken) throw new AppError("upstream", "azure_api_error", "Azure DevOps granted no refresh token; the integration could not stay authorized");
  const db = app.store.db;
  const now = isoNow(app.clock);
  const expiresAt = Math.floor(app.clock.now() / 1000) + (grant.expiresInSeconds ?? 3600);
  const secret = { accessToken: grant.accessToken, refreshToken: grant.refreshToken };
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await readCredential(db, app.vault, AZURE_IDENTITY_PROVIDER, externalId);
    if (await writeCredential(db, app.vault, { provider: AZURE_IDENTITY_PROVIDER, externalId }, current?.version ?? 0, secret, expiresAt, now)) break;
    if (attempt === 2) throw new AppError("conflict", "identity_write_conflict", "The identity changed while it was being stored; try again");
  }
  await db.updateTable("identities").set({ scopes: JSON.stringify(scopes) }).where("provider", "=", AZURE_IDENTITY_PROVIDER).where("external_id", "=", externalId).execute();
  const row = await db.selectFrom("identities").select("id").where("provider", "=", AZURE_IDENTITY_PROVIDER).where("external_id", "=", externalId).executeTakeFirstOrThrow();
  return row.id;
}

function accountForm(state: string, pending: PendingAzureInstall): string {
  const options = pending.accounts
    .map((a, i) => `<label><input type="radio" name="account" value="${escapeHtml(a.accountId)}"${i === 0 ? " checked" : ""}> ${escapeHtml(a.accountName)}</label>`)
    .join("");
  return `<form method="post" action="/extensions/vsts/setup/account/"><input type="hidden" name="state" value="${escapeHtml(state)}"><p>Choose the Azure DevOps organization to connect:</p>${options}<button type="submit">Connect</button></form>`;
}

/**
 * The Azure DevOps install pages (Sentry's VSTS pipeline): `GET /extensions/vsts/setup/?state` redirects to
 * the authorize page (legacy or Entra, by the state); Azure returns with `code` and the state, which is used
 * up, the code exchanged, the identity stored sealed and the profile and accounts read; the person picks an
 * organization (`POST /extensions/vsts/setup/account/`, a second signed state), and the service-hook
 * subscription is created with a new shared secret sealed in `metadata.subscription.secret`.
 */
export async function registerAzureInstallRoutes(server: FastifyInstance, app: App): Promise<void> {
  await registerBrowserSteps(server, app, (route) => {
    route("GET", "/extensions/vsts/setup/", async (request, reply) => {
      const state = field(request.query, "state");
      const flow = flowOfState(app, state);
      const provider = flow === "entra" ? "vsts_new" : "vsts";
      const error = field(request.query, "error", 200);
      const code = field(request.query, "code", 4000);
      if (error !== undefined) {
        await consumeInstallState(app, state, provider);
        throw new AppError("validation", "azure_authorization_refused", error === "access_denied" ? "Azure DevOps access was not granted; start again and approve the request." : `Azure DevOps refused the authorization (${error.slice(0, 60)}).`);
      }
      if (code === undefined) {
        readInstallState(app, state, provider);
        return reply.redirect(azureAuthorizeUrl(app.config.azureDevops, flow, state as string), 302);
      }
      const verified = await consumeInstallState(app, state, provider);
      const sendOptions = azureSendOptions(app);
      const grant = await exchangeCode(app.config.azureDevops, sendOptions, code, flow);
      // A one-off client with the fresh token: the identity's id is only known from the profile.
      const direct = new AzureDevopsClient(apiKeyScheme("authorization", () => `Bearer ${grant.accessToken}`), sendOptions, app.config.azureDevops.vsspsUrl);
      const { profile, accounts } = await azureProfileAndAccounts(direct, app.config.azureDevops.vsspsUrl);
      const scopes = grant.scopes.length ? grant.scopes : flow === "entra" ? ["499b84ac-1321-427f-aa17-267ca6975798/.default", "offline_access"] : LEGACY_INSTALL_SCOPES;
      await storeIdentity(app, profile.id, grant, scopes);
      if (accounts.length === 0) throw new AppError("validation", "azure_no_organizations", "Your Azure DevOps account is not a member of any organization; create or join one and start again.");
      const pending: PendingAzureInstall = { organizationId: verified.organizationId, flow, identityExternalId: profile.id, scopes, accounts: accounts.map((a) => ({ accountId: a.accountId, accountName: a.accountName, accountUri: a.accountUri })) };
      const next = signInstallState(app, verified.organizationId, ACCOUNT_STEP);
      await app.platform.cache.set(`install:vsts:${readInstallState(app, next, ACCOUNT_STEP).nonce}`, JSON.stringify(pending), STATE_TTL_SECONDS);
      return sendInstallPage(reply, 200, "Connect Azure DevOps", accountForm(next, pending));
    });

    route("POST", "/extensions/vsts/setup/account/", async (request, reply) => {
      const verified = await consumeInstallState(app, field(request.body, "state"), ACCOUNT_STEP);
      const raw = await app.platform.cache.get(`install:vsts:${verified.nonce}`);
      if (!raw) throw new AppError("validation", "install_state_expired", "The installation took too long; start it again.");
      const pending = JSON.parse(raw) as PendingAzureInstall;
      const account = pending.accounts.find((a) => a.accountId === field(request.body, "account", 200));
      if (!account) throw new AppError("validation", "azure_account_invalid", "Choose one of the listed Azure DevOps organizations.");
      const identity = { externalId: pending.identityExternalId, scopes: pending.scopes };
      const client = azureClientFor(app, { instanceUrl: account.accountUri, flow: pending.flow, identity });
      const collectionId = await azureCollectionId(client);
      const existing = await findIntegrationByExternalId(app.store.db, "vsts", collectionId);
      const previous = existing ? (JSON.parse(existing.metadata) as Record<string, unknown>) : {};
      const { subscription, secret } = await subscribeWorkItemUpdates(client, app.config.publicUrl);
      const now = isoNow(app.clock);
      const identityRow = await app.store.db.selectFrom("identities").select("id").where("provider", "=", AZURE_IDENTITY_PROVIDER).where("external_id", "=", identity.externalId).executeTakeFirstOrThrow();
      await app.store.db.transaction().execute(async (tx) => {
        const metadata = {
          ...previous,
          domain_name: client.instanceUrl,
          account_id: account.accountId,
          account_name: account.accountName,
          integration_migration_version: pending.flow === "entra" ? 1 : 0,
          subscription: { id: subscription.id, secret: app.vault.seal(secret), created_at: now },
        };
        const integrationId = await upsertIntegration(tx, { provider: "vsts", externalId: collectionId, name: account.accountName, metadata }, now);
        await ensureOrganizationInstallation(tx, { organizationId: pending.organizationId, integrationId, defaultAuthId: identityRow.id }, now);
      });
      await app.platform.cache.delete(`install:vsts:${verified.nonce}`);
      app.logger.info({ organizationId: pending.organizationId, account: account.accountName, subscriptionId: subscription.id }, "azure devops installed");
      return sendInstallPage(reply, 200, "Azure DevOps connected", `<p>The Azure DevOps organization <strong>${escapeHtml(account.accountName)}</strong> is connected. You can close this page.</p>`);
    });
  });
}
