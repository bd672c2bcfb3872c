import { z } from "zod";
import type { App } from "../../app.js";
import { AUTH_FAILURE_ADVICE, AUTH_FAILURE_CLASSES, type AuthFailureClass } from "../../auth/auth-failure-class.js";
import { INSTALLATION_PROVIDER } from "../../providers/github/installation-token.js";
import { listAuthFailures } from "../../store/auth-failures.js";
import { credentialBookkeeping, lastDelivery, lastRejection, type OrganizationIntegrationRow } from "../../store/integration-health.js";
import { visibleSyncSettings } from "./sync-settings.js";

const CREDENTIAL_STATES = ["valid", "expiring", "expired", "needs_reauth", "on_demand", "static", "missing"] as const;

export const integrationHealthSchema = z.object({
  id: z.string(),
  provider: z.string().describe("github | vsts | jira_server | bitbucket | opsgenie"),
  account: z.string().describe("The provider account: GitHub login, Azure organization, Jira host, Bitbucket workspace, Opsgenie account"),
  externalId: z.string(),
  status: z.enum(["active", "disabled"]).describe("disabled once uninstalled here or at the provider (history kept)"),
  installedAt: z.string(),
  credential: z.object({
    state: z.enum(CREDENTIAL_STATES).describe("valid; expiring (within the refresh margin); expired (refreshed on the next call); needs_reauth (a person must authorize again); on_demand (GitHub tokens are minted per use); static (a shared secret or key); missing"),
    needsReauth: z.boolean(),
    validUntil: z.string().nullable(),
    lastRefreshedAt: z.string().nullable(),
    lastError: z.string().nullable(),
    refreshPendingSince: z.string().nullable().describe("A refresh whose answer was never stored started then"),
  }),
  authFailures: z.array(z.object({ class: z.enum(AUTH_FAILURE_CLASSES), count: z.number(), firstAt: z.string(), lastAt: z.string(), lastMessage: z.string().nullable(), advice: z.string() })),
  webhook: z.object({
    lastReceivedAt: z.string().nullable(),
    lastEvent: z.string().nullable(),
    lastState: z.string().nullable().describe("received | processed | failed | dead"),
    lastVerifiedBy: z.string().nullable().describe("Which secret verified it: current | previous"),
    lastRejection: z.object({ reason: z.string(), secretTried: z.string(), at: z.string() }).nullable().describe("The newest request refused for this integration"),
  }),
  subscription: z.object({
    kind: z.enum(["azure_service_hook", "jira_webhook", "bitbucket_connect", "github_app", "none"]),
    id: z.string().nullable(),
    state: z.enum(["registered", "missing", "not_applicable"]),
    since: z.string().nullable(),
  }),
  syncSettings: z.record(z.string(), z.unknown()),
});

export type IntegrationHealth = z.infer<typeof integrationHealthSchema>;

function parse(json: string): Record<string, unknown> {
  try {
    const value = JSON.parse(json) as unknown;
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Where an integration's credential lives: the installation's identity, or the provider's own row. */
function credentialKey(row: OrganizationIntegrationRow): { id: number } | { provider: string; externalId: string } | "static" {
  if (row.provider === "bitbucket" || row.provider === "opsgenie") return "static";
  if (row.provider === "github") return { provider: INSTALLATION_PROVIDER, externalId: row.externalId };
  if (row.defaultAuthId !== null) return { id: row.defaultAuthId };
  return { provider: row.provider, externalId: row.externalId };
}

function subscriptionOf(row: OrganizationIntegrationRow, metadata: Record<string, unknown>): IntegrationHealth["subscription"] {
  if (row.provider === "vsts") {
    const sub = (metadata.subscription ?? {}) as { id?: unknown; created_at?: unknown };
    return { kind: "azure_service_hook", id: typeof sub.id === "string" ? sub.id : null, state: typeof sub.id === "string" ? "registered" : "missing", since: typeof sub.created_at === "string" ? sub.created_at : null };
  }
  if (row.provider === "jira_server") {
    const hook = (metadata.webhook ?? {}) as { id?: unknown };
    return { kind: "jira_webhook", id: typeof hook.id === "string" ? hook.id : null, state: typeof hook.id === "string" ? "registered" : "missing", since: null };
  }
  if (row.provider === "bitbucket") return { kind: "bitbucket_connect", id: row.externalId, state: "registered", since: null };
  if (row.provider === "github") return { kind: "github_app", id: row.externalId, state: "registered", since: null };
  return { kind: "none", id: null, state: "not_applicable", since: null };
}

/** The health of one installed integration, as the dashboard shows it (no secret, ever). */
export async function integrationHealth(app: App, row: OrganizationIntegrationRow): Promise<IntegrationHealth> {
  const db = app.store.db;
  const metadata = parse(row.metadata);
  const key = credentialKey(row);
  const identity = key === "static" ? undefined : await credentialBookkeeping(db, key);
  const nowSeconds = Math.floor(app.clock.now() / 1000);
  let state: (typeof CREDENTIAL_STATES)[number];
  if (key === "static") state = "static";
  else if (!identity) state = row.provider === "github" ? "on_demand" : "missing";
  else if (identity.status === "needs_reauth") state = "needs_reauth";
  else if (identity.expires_at === null) state = row.provider === "jira_server" ? "valid" : "expired";
  else if (identity.expires_at <= nowSeconds) state = row.provider === "github" ? "on_demand" : "expired";
  else if (identity.expires_at <= nowSeconds + app.config.refreshMarginSeconds) state = "expiring";
  else state = "valid";
  // Failures are counted per credential, also before one is stored (a GitHub app route refused before any token was minted).
  const failureKey = identity ? { provider: identity.provider, externalId: identity.external_id } : key !== "static" && "provider" in key ? key : undefined;
  const failures = failureKey ? await listAuthFailures(db, failureKey.provider, failureKey.externalId) : [];
  const delivery = await lastDelivery(db, row.id);
  const rejection = await lastRejection(db, row.id);
  const active = row.integrationStatus === "active" && row.installationStatus === "active";
  return {
    id: String(row.id),
    provider: row.provider,
    account: row.name,
    externalId: row.externalId,
    status: active ? "active" : "disabled",
    installedAt: row.installedAt,
    credential: {
      state,
      needsReauth: state === "needs_reauth",
      validUntil: identity?.expires_at ? new Date(identity.expires_at * 1000).toISOString() : null,
      lastRefreshedAt: identity?.last_refreshed_at ?? null,
      lastError: identity?.last_error ?? null,
      refreshPendingSince: identity?.refresh_intent_at ?? null,
    },
    authFailures: failures.map((f) => ({ class: f.failureClass as AuthFailureClass, count: f.count, firstAt: f.firstAt, lastAt: f.lastAt, lastMessage: f.lastMessage, advice: AUTH_FAILURE_ADVICE[f.failureClass as AuthFailureClass] ?? "" })),
    webhook: {
      lastReceivedAt: delivery?.received_at ?? null,
      lastEvent: delivery?.event ?? null,
      lastState: delivery?.state ?? null,
      lastVerifiedBy: delivery?.verified_by ?? null,
      lastRejection: rejection ? { reason: rejection.reason, secretTried: rejection.secret_tried, at: rejection.received_at } : null,
    },
    subscription: subscriptionOf(row, metadata),
    syncSettings: visibleSyncSettings(parse(row.config)),
  };
}
