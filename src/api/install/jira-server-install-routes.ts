import type { FastifyInstance, FastifyReply } from "fastify";
import type { App } from "../../app.js";
import type { OAuth1Credential } from "../../auth/schemes/oauth1-rsa-sha1.js";
import { AppError } from "../../domain/errors.js";
import { isoNow } from "../../platform/clock.js";
import { JIRA_SERVER_PROVIDER, JiraServerClient } from "../../providers/jira-server/client.js";
import { jiraServerExternalId, newWebhookSecret, validateJiraServerSetup, webhookIdOf } from "../../providers/jira-server/install.js";
import { authorizeUrl, getAccessToken, getRequestToken, type DanceOptions } from "../../providers/jira-server/oauth-dance.js";
import { issueUpdatedUrl, registerIssueWebhook } from "../../providers/jira-server/register-webhook.js";
import { readCredential, writeCredential } from "../../store/identities.js";
import { findIntegrationByExternalId, upsertIntegration } from "../../store/integrations.js";
import { ensureOrganizationInstallation } from "../../store/organization-installations.js";
import { field, registerBrowserSteps, setupUrl } from "./browser-step.js";
import { escapeHtml, sendInstallPage } from "./install-page.js";
import { consumeInstallState, readInstallState, signInstallState, STATE_TTL_SECONDS } from "./install-state.js";

const CALLBACK_STEP = "jira_server:callback";

/** Between the authorize redirect and the callback: the setup and the request token, secrets sealed. */
interface PendingJiraInstall {
  organizationId: number;
  baseUrl: string;
  consumerKey: string;
  sealedPrivateKey: string;
  requestToken: string;
  sealedRequestTokenSecret: string;
}

function form(reply: FastifyReply, status: number, state: string, values: Record<string, string>, errors: Record<string, string[]> = {}) {
  const error = (name: string) => (errors[name] ? `<p class="error">${escapeHtml(errors[name].join(" "))}</p>` : "");
  const body = `<form method="post" action="/extensions/jira-server/setup/"><input type="hidden" name="state" value="${escapeHtml(state)}">
<label for="base_url">Jira base URL</label><input id="base_url" name="base_url" value="${escapeHtml(values.base_url ?? "")}" placeholder="https://jira.example.com">${error("base_url")}
<label for="consumer_key">Consumer key</label><input id="consumer_key" name="consumer_key" value="${escapeHtml(values.consumer_key ?? "")}">${error("consumer_key")}
<label for="private_key">Private key (PEM)</label><textarea id="private_key" name="private_key"></textarea>${error("private_key")}
<button type="submit">Continue to Jira</button></form>`;
  if (Object.keys(errors).length) reply.header("x-error-code", "jira_server_setup_invalid");
  return sendInstallPage(reply, status, "Connect Jira Server", body);
}

/**
 * The Jira Server install pages (§9.1, §9.2): a setup form (base URL, consumer key, private key), then a
 * request token and the browser sent to Jira's authorize page; Jira returns with the verifier, which is
 * traded for the access token (an empty one: "Missing OAuth token verifier"), and the webhook is
 * registered with the JWT-token URL. Private key and tokens are sealed; the base URL passes the target policy.
 */
export async function registerJiraServerInstallRoutes(server: FastifyInstance, app: App): Promise<void> {
  const dance = (): DanceOptions => ({ send: { allowedPrivateTargets: app.config.allowPrivateTargets }, clock: app.clock });

  await registerBrowserSteps(server, app, (route) => {
    route("GET", "/extensions/jira-server/setup/", async (request, reply) => {
      const state = field(request.query, "state");
      readInstallState(app, state, "jira_server");
      return form(reply, 200, state as string, {});
    });

    route("POST", "/extensions/jira-server/setup/", async (request, reply) => {
      const state = field(request.body, "state");
      readInstallState(app, state, "jira_server");
      const values = { base_url: field(request.body, "base_url") ?? "", consumer_key: field(request.body, "consumer_key", 1000) ?? "" };
      let setup;
      try {
        setup = await validateJiraServerSetup({ baseUrl: values.base_url, consumerKey: values.consumer_key, privateKey: field(request.body, "private_key", 20_000) }, app.config.allowPrivateTargets);
      } catch (error) {
        if (error instanceof AppError && error.fields) return form(reply, 400, state as string, values, error.fields);
        throw error;
      }
      const verified = await consumeInstallState(app, state, "jira_server");
      const next = signInstallState(app, verified.organizationId, CALLBACK_STEP);
      const requestToken = await getRequestToken(setup, setupUrl(app, "/extensions/jira-server/setup/callback/", { state: next }), dance());
      const pending: PendingJiraInstall = {
        organizationId: verified.organizationId,
        baseUrl: setup.baseUrl,
        consumerKey: setup.consumerKey,
        sealedPrivateKey: app.vault.seal(setup.privateKeyPem),
        requestToken: requestToken.token,
        sealedRequestTokenSecret: app.vault.seal(requestToken.tokenSecret),
      };
      await app.platform.cache.set(`install:jira_server:${readInstallState(app, next, CALLBACK_STEP).nonce}`, JSON.stringify(pending), STATE_TTL_SECONDS);
      return reply.redirect(authorizeUrl(setup.baseUrl, requestToken.token), 302);
    });

    route("GET", "/extensions/jira-server/setup/callback/", async (request, reply) => {
      const verified = await consumeInstallState(app, field(request.query, "state"), CALLBACK_STEP);
      const key = `install:jira_server:${verified.nonce}`;
      const raw = await app.platform.cache.get(key);
      if (!raw) throw new AppError("validation", "install_state_expired", "The installation took too long; start it again.");
      await app.platform.cache.delete(key);
      const pending = JSON.parse(raw) as PendingJiraInstall;
      const token = field(request.query, "oauth_token", 500);
      if (token !== undefined && token !== pending.requestToken) throw new AppError("validation", "jira_server_oauth_token_mismatch", "Jira returned a different request token; start the installation again.");
      const setup = { baseUrl: pending.baseUrl, consumerKey: pending.consumerKey, privateKeyPem: app.vault.open(pending.sealedPrivateKey) };
      const access = await getAccessToken(setup, pending.requestToken, field(request.query, "oauth_verifier", 500) ?? "", dance());
      const externalId = jiraServerExternalId(setup);
      const credential: OAuth1Credential = { consumerKey: setup.consumerKey, privateKey: setup.privateKeyPem, accessToken: access.token, accessTokenSecret: access.tokenSecret };
      const now = isoNow(app.clock);
      const db = app.store.db;
      const current = await readCredential(db, app.vault, JIRA_SERVER_PROVIDER, externalId);
      const expiresAt = access.expiresIn ? Math.floor(app.clock.now() / 1000) + access.expiresIn : null;
      if (!(await writeCredential(db, app.vault, { provider: JIRA_SERVER_PROVIDER, externalId }, current?.version ?? 0, credential, expiresAt, now))) {
        throw new AppError("conflict", "identity_write_conflict", "The Jira credential changed while it was being stored; try again");
      }
      const existing = await findIntegrationByExternalId(db, JIRA_SERVER_PROVIDER, externalId);
      const previous = existing ? (JSON.parse(existing.metadata) as Record<string, unknown>) : {};
      const webhookSecret = newWebhookSecret();
      const host = new URL(setup.baseUrl).host;
      const base = { ...previous, base_url: setup.baseUrl, domain_name: host, consumer_key: setup.consumerKey };
      const integrationId = await upsertIntegration(db, { provider: JIRA_SERVER_PROVIDER, externalId, name: host, metadata: { ...base, webhook_secret: app.vault.seal(webhookSecret) } }, now);
      const client = await JiraServerClient.forIntegration(app, integrationId);
      const registered = await registerIssueWebhook(client, await issueUpdatedUrl(app.config.publicUrl, externalId, webhookSecret));
      const identity = await db.selectFrom("identities").select("id").where("provider", "=", JIRA_SERVER_PROVIDER).where("external_id", "=", externalId).executeTakeFirstOrThrow();
      await db.transaction().execute(async (tx) => {
        const row = await tx.selectFrom("integrations").select("metadata").where("id", "=", integrationId).executeTakeFirstOrThrow();
        const metadata = { ...(JSON.parse(row.metadata) as Record<string, unknown>), webhook: { self: registered?.self ?? null, id: registered?.self ? (webhookIdOf(registered.self) ?? null) : null } };
        await tx.updateTable("integrations").set({ metadata: JSON.stringify(metadata), date_updated: now }).where("id", "=", integrationId).execute();
        await ensureOrganizationInstallation(tx, { organizationId: pending.organizationId, integrationId, defaultAuthId: identity.id }, now);
      });
      app.logger.info({ organizationId: pending.organizationId, host }, "jira server installed");
      return sendInstallPage(reply, 200, "Jira Server connected", `<p>Jira at <strong>${escapeHtml(host)}</strong> is connected and its issue webhook registered. You can close this page.</p>`);
    });
  });
}
