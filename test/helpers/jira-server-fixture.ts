import { randomBytes } from "node:crypto";
import type { App } from "../../src/app.js";
import type { OAuth1Credential } from "../../src/auth/schemes/oauth1-rsa-sha1.js";
import { writeCredential } from "../../src/store/identities.js";
import type { JiraServerControl } from "../../simulators/jira-server/control.js";
import type { StartedSimulator } from "../../simulators/shared/types.js";

/**
 * A Jira Server integration as the install flow leaves it: metadata with the base URL and a sealed
 * webhook secret, and an `identities` row holding the sealed OAuth 1.0a credential (an access token the
 * simulator issued for `username`, default the administrator).
 */
export async function createJiraServerIntegration(app: App, sim: StartedSimulator<JiraServerControl>, options: { username?: string; externalId?: string } = {}) {
  const externalId = options.externalId ?? `${new URL(sim.url).host}:${sim.credentials.JIRA_SERVER_CONSUMER_KEY}`;
  const webhookSecret = randomBytes(24).toString("hex");
  const now = new Date().toISOString();
  const integration = await app.store.db
    .insertInto("integrations")
    .values({
      provider: "jira_server",
      external_id: externalId,
      name: "Jira",
      status: "active",
      metadata: JSON.stringify({ base_url: sim.url, webhook_secret: app.vault.seal(webhookSecret) }),
      date_added: now,
      date_updated: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const access = sim.control.issueAccessToken({ username: options.username ?? "admin" });
  const credential: OAuth1Credential = {
    consumerKey: sim.credentials.JIRA_SERVER_CONSUMER_KEY as string,
    privateKey: sim.credentials.JIRA_SERVER_PRIVATE_KEY as string,
    accessToken: access.token,
    accessTokenSecret: access.tokenSecret,
  };
  await writeCredential(app.store.db, app.vault, { provider: "jira_server", externalId }, 0, credential, null, now);
  return { id: integration.id, externalId, webhookSecret, credential };
}
