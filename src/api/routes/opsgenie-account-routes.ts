import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { accountBaseUrl, maskKey, opsgenieClientFor } from "../../alerts/opsgenie-client-for.js";
import type { App } from "../../app.js";
import { AppError, validationError } from "../../domain/errors.js";
import { isoNow } from "../../platform/clock.js";
import { assertTargetAllowed } from "../../platform/http/target-policy.js";
import {
  createOpsgenieAccount,
  findOpsgenieAccount,
  listOpsgenieAccounts,
  replaceOpsgenieTeams,
  uninstallOpsgenieAccount,
  type OpsgenieAccount,
  type OpsgenieTeamEntry,
} from "../../store/opsgenie-accounts.js";
import { assertOrganizationSlug, requireOrganization } from "../auth/require-organization.js";
import { describeRoute } from "../openapi/registry.js";
import { text } from "../schemas/text.js";
import { notFound } from "./lookup.js";

const orgParams = z.object({ org: z.string() });
const accountParams = z.object({ org: z.string(), id: z.string() });

const createBody = z
  .object({
    name: text().trim().min(1).max(200),
    region: z.enum(["us", "eu"]).optional(),
    baseUrl: text().trim().max(2000).optional(),
    apiKey: text().trim().min(1).max(200),
  })
  .strict()
  .refine((b) => !(b.region && b.baseUrl), { message: "Give a region or a base URL, not both.", path: ["baseUrl"] });

const teamRow = z
  .object({
    /** An existing row's id: a row given with its id and no key keeps its stored key. */
    id: text().max(300).optional(),
    team: text().trim().min(1).max(100),
    team_id: text().trim().min(1).max(100).optional(),
    integration_key: text().trim().min(1).max(200).optional(),
  })
  .strict();
const teamsBody = z.object({ teamTable: z.array(teamRow).max(100) }).strict();

const teamSchema = z.object({ id: z.string(), team: z.string(), team_id: z.string(), integration_key: z.string() });
const accountSchema = z.object({
  id: z.string(),
  name: z.string(),
  provider: z.object({ key: z.literal("opsgenie"), name: z.string() }),
  externalId: z.string(),
  region: z.string().nullable(),
  baseUrl: z.string(),
  apiKey: z.string().nullable(),
  status: z.string(),
  teamTable: z.array(teamSchema),
  dateCreated: z.string(),
});

/** An account as the API shows it: every key masked, never the sealed value nor the key itself. */
function serializeAccount(app: App, account: OpsgenieAccount): z.infer<typeof accountSchema> {
  const masked = (sealed: string | null) => (sealed ? maskKey(app.vault.open(sealed)) : null);
  return {
    id: String(account.id),
    name: account.name,
    provider: { key: "opsgenie", name: "Opsgenie" },
    externalId: account.externalId,
    region: account.region,
    baseUrl: accountBaseUrl(app, account),
    apiKey: masked(account.apiKey),
    status: account.status,
    teamTable: account.teams.map((t) => ({ id: t.id, team: t.team, team_id: t.team_id, integration_key: masked(t.integration_key) ?? "" })),
    dateCreated: account.dateAdded,
  };
}

/** Opsgenie accounts of an organization and their team tables (Sentry's Opsgenie integration, §7). */
export function registerOpsgenieAccountRoutes(server: FastifyInstance, app: App): void {
  const base = "/api/0/organizations/:org/integrations/opsgenie/";

  describeRoute({ method: "get", path: base, summary: "List the organization's Opsgenie accounts (keys masked)", tag: "opsgenie", params: orgParams, response: z.array(accountSchema) });
  server.get(base, async (request) => {
    const org = await requireOrganization(app, request);
    assertOrganizationSlug(org, orgParams.parse(request.params).org);
    return (await listOpsgenieAccounts(app.store.db, org.id)).map((a) => serializeAccount(app, a));
  });

  describeRoute({ method: "post", path: base, summary: "Add an Opsgenie account (US or EU region, or its own base URL)", tag: "opsgenie", params: orgParams, body: createBody, response: accountSchema, status: 201 });
  server.post(base, async (request, reply) => {
    const org = await requireOrganization(app, request);
    assertOrganizationSlug(org, orgParams.parse(request.params).org);
    const body = createBody.parse(request.body ?? {});
    let baseUrl: string | null = null;
    if (body.baseUrl) {
      try {
        baseUrl = (await assertTargetAllowed(body.baseUrl, app.config.allowPrivateTargets)).toString().replace(/\/+$/, "");
      } catch (error) {
        if (error instanceof AppError) throw validationError({ baseUrl: [error.message] }, error.code);
        throw error;
      }
    }
    const id = await createOpsgenieAccount(
      app.store.db,
      { organizationId: org.id, externalId: randomUUID(), name: body.name, region: baseUrl ? null : (body.region ?? "us"), baseUrl, sealedApiKey: app.vault.seal(body.apiKey) },
      isoNow(app.clock),
    );
    const account = await findOpsgenieAccount(app.store.db, org.id, id);
    return reply.code(201).send(serializeAccount(app, account!));
  });

  describeRoute({ method: "put", path: `${base}:id/teams/`, summary: "Replace an account's team table (team name, team id, integration key)", tag: "opsgenie", params: accountParams, body: teamsBody, response: accountSchema });
  server.put(`${base}:id/teams/`, async (request) => {
    const org = await requireOrganization(app, request);
    const params = accountParams.parse(request.params);
    assertOrganizationSlug(org, params.org);
    const account = await loadAccount(app, org.id, params.id);
    const body = teamsBody.parse(request.body ?? {});
    const rows = await buildTeamTable(app, account, body.teamTable);
    await replaceOpsgenieTeams(app.store.db, org.id, account.id, rows);
    return serializeAccount(app, (await findOpsgenieAccount(app.store.db, org.id, account.id))!);
  });

  describeRoute({ method: "delete", path: `${base}:id/`, summary: "Uninstall an Opsgenie account (disabled; history and rules stay)", tag: "opsgenie", params: accountParams, status: 204 });
  server.delete(`${base}:id/`, async (request, reply) => {
    const org = await requireOrganization(app, request);
    const params = accountParams.parse(request.params);
    assertOrganizationSlug(org, params.org);
    const account = await loadAccount(app, org.id, params.id);
    await uninstallOpsgenieAccount(app.store.db, org.id, account.id, isoNow(app.clock));
    return reply.code(204).send();
  });
}

async function loadAccount(app: App, organizationId: number, id: string): Promise<OpsgenieAccount> {
  const account = /^\d{1,15}$/.test(id) ? await findOpsgenieAccount(app.store.db, organizationId, Number(id)) : undefined;
  if (!account) throw notFound("opsgenie_account_not_found");
  return account;
}

/**
 * The new team table: names unique, keys sealed; a row that names an existing row by id and gives no key
 * keeps that row's key (clients only ever see masked keys); a row without a team id gets it from Opsgenie
 * by team name with the account's API key (Sentry's `get_team_id`).
 */
async function buildTeamTable(app: App, account: OpsgenieAccount, rows: z.infer<typeof teamRow>[]): Promise<OpsgenieTeamEntry[]> {
  const fields: Record<string, string[]> = {};
  const seen = new Set<string>();
  const table: OpsgenieTeamEntry[] = [];
  for (const [i, row] of rows.entries()) {
    if (seen.has(row.team.toLowerCase())) (fields[`teamTable.${i}.team`] ??= []).push(`The team "${row.team}" is listed twice.`);
    seen.add(row.team.toLowerCase());
    const previous = row.id ? account.teams.find((t) => t.id === row.id) : undefined;
    if (row.id && !previous) (fields[`teamTable.${i}.id`] ??= []).push("No team row with this id.");
    const sealedKey = row.integration_key ? app.vault.seal(row.integration_key) : previous?.integration_key;
    if (!sealedKey) (fields[`teamTable.${i}.integration_key`] ??= []).push("This field is required.");
    table.push({ id: `${account.id}-${row.team}`, team: row.team, team_id: row.team_id ?? "", integration_key: sealedKey ?? "" });
  }
  if (Object.keys(fields).length) throw validationError(fields);
  for (const [i, entry] of table.entries()) {
    if (entry.team_id) continue;
    const found = account.apiKey ? await teamByName(app, account, entry.team, i) : undefined;
    if (!found) throw validationError({ [`teamTable.${i}.team_id`]: [`Opsgenie has no team named "${entry.team}" in the ${account.name} account; give its team id.`] }, "opsgenie_team_not_found");
    entry.team_id = found.id;
  }
  return table;
}

/** Sentry's `get_team_id` with the account's API key; a refused key or an unreachable Opsgenie is a field error, not a 5xx. */
async function teamByName(app: App, account: OpsgenieAccount, team: string, index: number) {
  try {
    return await opsgenieClientFor(app, account, account.apiKey as string).teamByName(team);
  } catch (error) {
    if (!(error instanceof AppError) || !error.code.startsWith("opsgenie_")) throw error;
    const message = error.code === "opsgenie_invalid_key" ? "Opsgenie refused the account's API key while looking up the team; give the team id." : error.message;
    throw validationError({ [`teamTable.${index}.team_id`]: [message] }, error.code);
  }
}
