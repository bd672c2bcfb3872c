import type { App } from "../app.js";
import { AppError } from "../domain/errors.js";
import { OPSGENIE_INVALID_KEY, OPSGENIE_UNAVAILABLE } from "../providers/opsgenie/errors.js";
import { findOpsgenieAccount, listOpsgenieAccounts, type OpsgenieAccount, type OpsgenieTeamEntry } from "../store/opsgenie-accounts.js";
import { opsgenieClientFor } from "./opsgenie-client-for.js";

/** Sentry's team statuses (§7.1); there is no constant named VALID. */
export const INVALID_TEAM = 1;
export const INVALID_KEY = 2;
export const VALID_TEAM = 3;
export type TeamStatus = typeof INVALID_TEAM | typeof INVALID_KEY | typeof VALID_TEAM;

export const OPSGENIE_ACTION_ID = "sentry.integrations.opsgenie.notify_action.OpsgenieNotifyTeamAction";

/** D14's clean form of Sentry's invalid-key message (no stray run of spaces). */
export const INVALID_KEY_MESSAGE = 'The provided API key is invalid. Please make sure that the Opsgenie API key is an integration key of type "Sentry".';
export const MISSING_INTEGRATION_MESSAGE = "The Opsgenie integration does not exist.";

export interface OpsgenieActionInput {
  account: string | number;
  team: string;
}

/** A team that passed §7.3: the account and its team-table row. */
export interface ValidTeam {
  status: typeof VALID_TEAM;
  account: OpsgenieAccount;
  entry: OpsgenieTeamEntry;
}

/**
 * Sentry's `OpsgenieNotifyTeamForm.clean()` (§7.3) with D14, for action number `index` of a rule:
 * the account must be an installed integration of the organization, the team a row of its team table,
 * and Opsgenie must accept the team's key (`authorize_integration`). Failures are field errors in
 * Sentry's `{"actions": [...]}` shape, plus the failing field named (`actions.<i>.account|team`).
 */
export async function validateOpsgenieAction(app: App, organizationId: number, input: OpsgenieActionInput, index: number): Promise<ValidTeam> {
  const fail = (field: "account" | "team", code: string, message: string, kind: "validation" | "unavailable" | "upstream" = "validation", status?: TeamStatus) =>
    new AppError(kind, code, message, { fields: { actions: [message], [`actions.${index}.${field}`]: [message] }, detail: status ? { teamStatus: status } : undefined });

  const accountId = typeof input.account === "number" ? input.account : /^\d{1,15}$/.test(input.account.trim()) ? Number(input.account.trim()) : NaN;
  if (!Number.isSafeInteger(accountId)) throw fail("account", "invalid", "Invalid account");
  const account = await findOpsgenieAccount(app.store.db, organizationId, accountId);
  if (!account) throw fail("account", "invalid_integration", MISSING_INTEGRATION_MESSAGE);

  const entry = account.teams.find((t) => t.id === input.team);
  if (!entry || !entry.team_id) {
    const teamName = entry?.team ?? (await teamNameAnywhere(app, organizationId, input.team));
    throw fail("team", "invalid_team", `The team "${teamName}" does not belong to the ${account.name} Opsgenie account.`, "validation", INVALID_TEAM);
  }

  try {
    await opsgenieClientFor(app, account, entry.integration_key).authorizeIntegration("sentry");
  } catch (error) {
    if (error instanceof AppError && error.code === OPSGENIE_INVALID_KEY) throw fail("team", "invalid_key", INVALID_KEY_MESSAGE, "validation", INVALID_KEY);
    if (error instanceof AppError && error.code === OPSGENIE_UNAVAILABLE) throw fail("team", OPSGENIE_UNAVAILABLE, error.message, "unavailable");
    if (error instanceof AppError && error.kind === "upstream") throw fail("team", error.code, error.message, "upstream");
    throw error;
  }
  return { status: VALID_TEAM, account, entry };
}

/** The name of a team-table row in any of the organization's accounts (for the message), else the id given. */
async function teamNameAnywhere(app: App, organizationId: number, teamRef: string): Promise<string> {
  for (const account of await listOpsgenieAccounts(app.store.db, organizationId)) {
    const entry = account.teams.find((t) => t.id === teamRef);
    if (entry) return entry.team;
  }
  return teamRef;
}
