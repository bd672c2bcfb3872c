import { randomUUID } from "node:crypto";
import type { CreateAlertInput } from "./alert-validation.js";
import type { Alert, AlertRequest, IntegrationKey, OpsgenieState, Region, Responder } from "./state.js";

export type IdentifierType = "id" | "tiny" | "alias";
export type AlertAction = "acknowledge" | "close";

const iso = (ms: number) => new Date(ms).toISOString();

function record(state: OpsgenieState, request: Omit<AlertRequest, "processedAt">, nowMs: number): AlertRequest {
  const done: AlertRequest = { ...request, processedAt: iso(nowMs) };
  state.requests.set(done.requestId, done);
  return done;
}

/** Resolves responders to ids; teams are looked up by name in the account, others keep their reference. */
function resolveResponders(state: OpsgenieState, input: CreateAlertInput["responders"], region: Region, integration: IntegrationKey): Responder[] {
  const out: Responder[] = [];
  const add = (r: Responder) => {
    if (!out.some((o) => o.type === r.type && o.id === r.id)) out.push(r);
  };
  for (const r of input) {
    if (r.type === "team") {
      const team = r.id ? state.teams.get(r.id) : state.teamByName(r.name ?? "", region);
      if (team && team.region === region) add({ type: "team", id: team.id });
    } else {
      add({ type: r.type, id: r.id ?? r.username ?? r.name ?? "" });
    }
  }
  // A team integration's alerts always reach its team.
  if (integration.teamId) add({ type: "team", id: integration.teamId });
  return out;
}

/**
 * Processes a create request: an open alert with the same alias absorbs it (count + 1, lastOccurredAt),
 * otherwise a new alert is opened. Returns what `GET /v2/alerts/requests/{id}` will show.
 */
export function createAlert(state: OpsgenieState, integration: IntegrationKey, input: CreateAlertInput, region: Region, requestId: string, nowMs: number, callerIp: string): AlertRequest {
  const existing = input.alias ? state.findAlert(input.alias, "alias", region) : undefined;
  if (existing && existing.status === "open") {
    existing.count += 1;
    existing.lastOccurredAt = iso(nowMs);
    existing.updatedAt = iso(nowMs);
    return record(state, { requestId, region, action: "Create", integrationId: integration.integrationId, success: true, status: "Alert deduplicated", alertId: existing.id, alias: existing.alias }, nowMs);
  }
  const id = `${randomUUID()}-${nowMs}`;
  const alert: Alert = {
    id,
    tinyId: state.nextTinyId(),
    alias: input.alias ?? id,
    message: input.message,
    status: "open",
    acknowledged: false,
    isSeen: false,
    tags: [...new Set(input.tags)],
    snoozed: false,
    count: 1,
    lastOccurredAt: iso(nowMs),
    createdAt: iso(nowMs),
    updatedAt: iso(nowMs),
    source: input.source ?? callerIp,
    owner: "",
    priority: input.priority,
    responders: resolveResponders(state, input.responders, region, integration),
    visibleTo: resolveResponders(state, input.visibleTo, region, { ...integration, teamId: undefined }),
    integration: { id: integration.integrationId, name: integration.name, type: integration.type },
    report: {},
    actions: input.actions,
    entity: input.entity ?? "",
    description: input.description ?? "",
    details: input.details,
    region,
    notes: input.note ? [{ note: input.note, owner: input.user ?? "System", createdAt: iso(nowMs) }] : [],
  };
  state.alerts.push(alert);
  return record(state, { requestId, region, action: "Create", integrationId: integration.integrationId, success: true, status: "Created alert", alertId: alert.id, alias: alert.alias }, nowMs);
}

/** Acknowledges or closes an alert by identifier; an unknown alert makes a failed request, not an HTTP error. */
export function actOnAlert(
  state: OpsgenieState,
  integration: IntegrationKey,
  action: AlertAction,
  identifier: string,
  type: IdentifierType,
  body: { user?: string; note?: string },
  region: Region,
  requestId: string,
  nowMs: number,
): AlertRequest {
  const name = action === "acknowledge" ? "Acknowledge" : "Close";
  const alert = state.findAlert(identifier, type, region);
  const base = { requestId, region, action: name, integrationId: integration.integrationId };
  if (!alert) return record(state, { ...base, success: false, status: "Alert does not exist", alertId: "", alias: type === "alias" ? identifier : "" }, nowMs);
  const by = body.user ?? "System";
  const elapsed = nowMs - Date.parse(alert.createdAt);
  if (action === "acknowledge") {
    alert.acknowledged = true;
    alert.report = { ...alert.report, ackTime: elapsed, acknowledgedBy: by };
  } else {
    alert.status = "closed";
    alert.report = { ...alert.report, closeTime: elapsed, closedBy: by };
  }
  alert.updatedAt = iso(nowMs);
  if (body.note) alert.notes.push({ note: body.note, owner: by, createdAt: iso(nowMs) });
  return record(state, { ...base, success: true, status: action === "acknowledge" ? "Acknowledged alert" : "Closed alert", alertId: alert.id, alias: alert.alias }, nowMs);
}

/** An alert as `GET /v2/alerts/{id}` shows it; `summary` drops what the list leaves out. */
export function renderAlert(alert: Alert, summary = false): Record<string, unknown> {
  const { region: _region, notes: _notes, description, details, actions, ...rest } = alert;
  return summary ? rest : { ...rest, actions, entity: alert.entity, description, details };
}
