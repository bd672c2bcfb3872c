import type { App } from "../../app.js";
import { isoNow } from "../../platform/clock.js";
import { parseInstallationEvent } from "../../providers/github/webhook.js";
import { disableIntegration, upsertIntegration } from "../../store/integrations.js";

/**
 * §3.3 installation events: `created` upserts the integration (external id = installation id, name = the
 * account's login, sender and account type in metadata, no access token: tokens are minted on demand);
 * `deleted` disables it, its organization installations and its repositories in every organization.
 * Both are idempotent, so a redelivery or replay changes nothing more.
 */
export async function handleInstallationEvent(app: App, payload: unknown): Promise<void> {
  const event = parseInstallationEvent(payload);
  if (!event) return;
  const now = isoNow(app.clock);
  if (event.type === "installed") {
    await upsertIntegration(app.store.db, event, now);
    return;
  }
  const found = await disableIntegration(app.store.db, "github", event.externalId, now);
  // §3.3: a deletion for an installation we never saw is logged only.
  if (!found) app.logger.info({ installationId: event.externalId }, "github installation deleted before it was known; nothing to disable");
}
