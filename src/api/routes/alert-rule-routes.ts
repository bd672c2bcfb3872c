import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { CONDITION_IDS, CONDITION_LABELS } from "../../alerts/rule-conditions.js";
import { OPSGENIE_ACTION_ID, validateOpsgenieAction } from "../../alerts/validate-opsgenie-action.js";
import type { App } from "../../app.js";
import { isoNow } from "../../platform/clock.js";
import { OPSGENIE_DEFAULT_PRIORITY, OPSGENIE_PRIORITIES, opsgenieActionLabel } from "../../providers/opsgenie/alert-action.js";
import { createAlertRule, deleteAlertRule, findAlertRule, listAlertRules, updateAlertRule, type AlertRule, type AlertRuleInput } from "../../store/alert-rules.js";
import { listOpsgenieAccounts, type OpsgenieAccount } from "../../store/opsgenie-accounts.js";
import { requireOrganization, type AuthenticatedOrganization } from "../auth/require-organization.js";
import { describeRoute } from "../openapi/registry.js";
import { text } from "../schemas/text.js";
import { loadProject, notFound } from "./lookup.js";

const projectParams = z.object({ org: z.string(), project: z.string() });
const ruleParams = z.object({ org: z.string(), project: z.string(), ruleId: z.string() });

const ruleBody = z.object({
  name: text().trim().min(1).max(256),
  actionMatch: z.enum(["any", "all"]).default("any"),
  conditions: z.array(z.object({ id: z.enum(CONDITION_IDS) })).min(1, "At least one condition is required.").max(10),
  actions: z
    .array(
      z.object({
        id: z.literal(OPSGENIE_ACTION_ID),
        account: z.union([text().max(20), z.number().int()]),
        team: text().min(1).max(300),
        priority: z.enum(OPSGENIE_PRIORITIES).default(OPSGENIE_DEFAULT_PRIORITY),
      }),
    )
    .min(1, "At least one action is required.")
    .max(10),
});

const ruleSchema = z.object({
  id: z.string(),
  name: z.string(),
  actionMatch: z.string(),
  conditions: z.array(z.object({ id: z.string(), name: z.string() })),
  actions: z.array(z.object({ id: z.string(), account: z.string(), team: z.string(), priority: z.string(), name: z.string() })),
  status: z.string(),
  projects: z.array(z.string()),
  lastFiredAt: z.string().nullable(),
  lastError: z.string().nullable(),
  failureCount: z.number(),
  createdBy: z.string().nullable(),
  dateCreated: z.string(),
  dateUpdated: z.string(),
});

/** A rule as Sentry shows it; action labels name the account and team as they are now (`[removed]` when gone). */
function serializeRule(rule: AlertRule, projectSlug: string, accounts: OpsgenieAccount[]): z.infer<typeof ruleSchema> {
  return {
    id: String(rule.id),
    name: rule.label,
    actionMatch: rule.actionMatch,
    conditions: rule.conditions.map((c) => ({ id: c.id, name: CONDITION_LABELS[c.id] ?? c.id })),
    actions: rule.actions.map((a) => {
      const account = accounts.find((x) => x.id === a.account);
      const team = account?.teams.find((t) => t.id === a.team);
      return { id: a.id, account: String(a.account), team: a.team, priority: a.priority, name: opsgenieActionLabel(account?.name, team?.team, a.priority) };
    }),
    status: rule.status,
    projects: [projectSlug],
    lastFiredAt: rule.lastFiredAt,
    lastError: rule.lastError,
    failureCount: rule.failureCount,
    createdBy: rule.createdBy,
    dateCreated: rule.dateAdded,
    dateUpdated: rule.dateUpdated,
  };
}

/** Parses and validates a rule (§7.3 for every Opsgenie action, with its live key check, D14). */
async function validRule(app: App, org: AuthenticatedOrganization, raw: unknown): Promise<AlertRuleInput> {
  const body = ruleBody.parse(raw ?? {});
  const actions = [];
  for (const [i, action] of body.actions.entries()) {
    const valid = await validateOpsgenieAction(app, org.id, action, i);
    actions.push({ id: action.id, account: valid.account.id, team: valid.entry.id, priority: action.priority });
  }
  return { label: body.name, actionMatch: body.actionMatch, conditions: body.conditions, actions };
}

/** Project issue-alert rules with Opsgenie actions, on Sentry's paths. */
export function registerAlertRuleRoutes(server: FastifyInstance, app: App): void {
  const base = "/api/0/projects/:org/:project/rules/";

  describeRoute({ method: "get", path: base, summary: "List a project's alert rules", tag: "alert-rules", params: projectParams, response: z.array(ruleSchema) });
  server.get(base, async (request) => {
    const org = await requireOrganization(app, request);
    const project = await loadProject(app, org, projectParams.parse(request.params));
    const accounts = await listOpsgenieAccounts(app.store.db, org.id);
    return (await listAlertRules(app.store.db, project.id)).map((r) => serializeRule(r, project.slug, accounts));
  });

  describeRoute({ method: "post", path: base, summary: "Create an alert rule (Opsgenie team notification when an issue is new or regresses)", tag: "alert-rules", params: projectParams, body: ruleBody, response: ruleSchema, status: 201 });
  server.post(base, async (request, reply) => {
    const org = await requireOrganization(app, request);
    const project = await loadProject(app, org, projectParams.parse(request.params));
    const input = await validRule(app, org, request.body);
    const createdBy = org.tokenId !== null ? `token:${org.tokenId}` : org.userId !== null ? `user:${org.userId}` : null;
    const rule = await createAlertRule(app.store.db, { ...input, organizationId: org.id, projectId: project.id, createdBy }, isoNow(app.clock));
    return reply.code(201).send(serializeRule(rule, project.slug, await listOpsgenieAccounts(app.store.db, org.id)));
  });

  const loadRule = async (org: AuthenticatedOrganization, raw: unknown) => {
    const params = ruleParams.parse(raw);
    const project = await loadProject(app, org, params);
    const rule = /^\d{1,15}$/.test(params.ruleId) ? await findAlertRule(app.store.db, project.id, Number(params.ruleId)) : undefined;
    if (!rule) throw notFound("rule_not_found");
    return { project, rule };
  };

  describeRoute({ method: "get", path: `${base}:ruleId/`, summary: "Retrieve an alert rule with its last firing and last error", tag: "alert-rules", params: ruleParams, response: ruleSchema });
  server.get(`${base}:ruleId/`, async (request) => {
    const org = await requireOrganization(app, request);
    const { project, rule } = await loadRule(org, request.params);
    return serializeRule(rule, project.slug, await listOpsgenieAccounts(app.store.db, org.id));
  });

  describeRoute({ method: "put", path: `${base}:ruleId/`, summary: "Replace an alert rule (validated as on create)", tag: "alert-rules", params: ruleParams, body: ruleBody, response: ruleSchema });
  server.put(`${base}:ruleId/`, async (request) => {
    const org = await requireOrganization(app, request);
    const { project, rule } = await loadRule(org, request.params);
    const input = await validRule(app, org, request.body);
    await updateAlertRule(app.store.db, rule.id, input, isoNow(app.clock));
    const updated = await findAlertRule(app.store.db, project.id, rule.id);
    return serializeRule(updated!, project.slug, await listOpsgenieAccounts(app.store.db, org.id));
  });

  describeRoute({ method: "delete", path: `${base}:ruleId/`, summary: "Delete an alert rule (it stops firing; its history stays)", tag: "alert-rules", params: ruleParams, status: 202 });
  server.delete(`${base}:ruleId/`, async (request, reply) => {
    const org = await requireOrganization(app, request);
    const { rule } = await loadRule(org, request.params);
    await deleteAlertRule(app.store.db, rule.id, isoNow(app.clock));
    return reply.code(202).send();
  });
}
