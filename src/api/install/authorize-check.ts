import { z } from "zod";
import type { App } from "../../app.js";
import { AUTH_FAILURE_ADVICE, AUTH_FAILURE_CLASSES, classifyAuthError } from "../../auth/auth-failure-class.js";
import { opsgenieClientFor } from "../../alerts/opsgenie-client-for.js";
import { AppError } from "../../domain/errors.js";
import { isoNow } from "../../platform/clock.js";
import { azureClientFor, loadAzureIntegration } from "../../providers/azure-devops/integration-client.js";
import { getProfile } from "../../providers/azure-devops/profile.js";
import { GithubClient } from "../../providers/github/client.js";
import { JiraServerClient } from "../../providers/jira-server/client.js";
import { jiraServerMyself } from "../../providers/jira-server/install.js";
import type { OrganizationIntegrationRow } from "../../store/integration-health.js";

export const authorizeCheckSchema = z.object({
  ok: z.boolean(),
  provider: z.string(),
  call: z.string().describe("The read-only call that exercised the credential"),
  class: z.enum(AUTH_FAILURE_CLASSES).nullable().describe("Why it failed, when it failed for an authorization reason"),
  code: z.string().nullable(),
  message: z.string().nullable(),
  advice: z.string().nullable(),
  checkedAt: z.string(),
  durationMs: z.number(),
});

export type AuthorizeCheck = z.infer<typeof authorizeCheckSchema>;

/** The read-only call each provider is checked with, and how to make it. */
function probeOf(app: App, row: OrganizationIntegrationRow): { call: string; run: () => Promise<unknown> } {
  switch (row.provider) {
    case "github":
      return { call: `GET /app/installations/${row.externalId}`, run: () => new GithubClient(app, row.externalId).request("GET", `/app/installations/${row.externalId}`) };
    case "vsts":
      return {
        call: "GET _apis/profile/profiles/me",
        run: async () => getProfile(azureClientFor(app, await loadAzureIntegration(app, row.id)), app.config.azureDevops.vsspsUrl),
      };
    case "jira_server":
      return { call: "GET /rest/api/2/myself", run: async () => jiraServerMyself(await JiraServerClient.forIntegration(app, row.id)) };
    case "opsgenie": {
      const key = JSON.parse(row.metadata) as { api_key?: unknown; region?: unknown; base_url?: unknown };
      return {
        call: "POST /v2/integrations/authenticate",
        run: async () => {
          if (typeof key.api_key !== "string") throw new AppError("validation", "opsgenie_key_missing", "The Opsgenie account has no API key");
          const account = { region: typeof key.region === "string" ? key.region : null, baseUrl: typeof key.base_url === "string" ? key.base_url : null };
          await opsgenieClientFor(app, account, key.api_key).authorizeIntegration();
        },
      };
    }
    default:
      throw new AppError("validation", "authorize_check_unsupported", `${row.provider} integrations are authenticated by the provider's signed requests; there is no credential of ours to check`);
  }
}

/**
 * Exercises an integration's credential with one read-only call and reports the outcome and, on failure,
 * its class (revoked, provider outage, configuration error...). Nothing is written besides what the
 * credential itself needs (a due refresh still happens, since that is what is being checked).
 */
export async function authorizeCheck(app: App, row: OrganizationIntegrationRow): Promise<AuthorizeCheck> {
  const probe = probeOf(app, row);
  const started = Date.now();
  try {
    await probe.run();
    return { ok: true, provider: row.provider, call: probe.call, class: null, code: null, message: null, advice: null, checkedAt: isoNow(app.clock), durationMs: Date.now() - started };
  } catch (error) {
    const failureClass = classifyAuthError(error) ?? null;
    const code = error instanceof AppError ? error.code : "unexpected_error";
    const message = error instanceof AppError ? error.message : "The check failed unexpectedly; the incident was logged";
    if (!(error instanceof AppError)) app.logger.warn({ err: error, integrationId: row.id }, "authorize check failed unexpectedly");
    return { ok: false, provider: row.provider, call: probe.call, class: failureClass, code, message, advice: failureClass ? AUTH_FAILURE_ADVICE[failureClass] : null, checkedAt: isoNow(app.clock), durationMs: Date.now() - started };
  }
}
