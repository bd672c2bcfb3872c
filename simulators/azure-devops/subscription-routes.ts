import { randomUUID } from "node:crypto";
import type { SimServer } from "../shared/sim-server.js";
import { apiVersion } from "./api-version.js";
import { vssError } from "./errors.js";
import { requireScope } from "./rest-auth.js";
import { isResponse, orgRoute } from "./rest-context.js";
import type { AzureOrganization, AzureState, HookSubscription } from "./state.js";
import { identityRef, orgBaseUrl } from "./work-item-json.js";
import { WORK_ITEM_EVENTS } from "./work-item-events.js";

/** Resource versions the tfs publisher offers for work item events; an omitted one means the latest released (1.0). */
const RESOURCE_VERSIONS = ["1.0", "1.0-preview.1", "5.1-preview.3"];
const HOOK_SCOPES = ["vso.work", "vso.hooks_write"];

/** What creating a subscription needs: the body Sentry sends (§2.4) plus the user who creates it. */
export interface SubscriptionInput {
  publisherId?: unknown;
  eventType?: unknown;
  resourceVersion?: unknown;
  consumerId?: unknown;
  consumerActionId?: unknown;
  publisherInputs?: unknown;
  consumerInputs?: unknown;
  status?: unknown;
}

function inputError(message: string) {
  return vssError(400, message, "SubscriptionInputException");
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) if (v !== undefined && v !== null) out[k] = String(v);
  return out;
}

/** Validates a subscription body as Azure does for the tfs publisher and the webHooks consumer; returns the new subscription or the 400. */
export function buildSubscription(state: AzureState, org: AzureOrganization, input: SubscriptionInput, userId: string, existing?: HookSubscription) {
  if (!input || typeof input !== "object") return inputError("The subscription is required.");
  if (input.publisherId !== "tfs") return inputError(`Publisher '${String(input.publisherId ?? "")}' does not exist.`);
  if (typeof input.eventType !== "string" || !WORK_ITEM_EVENTS.includes(input.eventType)) return inputError(`Event type '${String(input.eventType ?? "")}' is not supported by publisher 'tfs'.`);
  const resourceVersion = input.resourceVersion === undefined ? "1.0" : String(input.resourceVersion);
  if (!RESOURCE_VERSIONS.includes(resourceVersion)) return inputError(`Resource version '${resourceVersion}' is not supported for event type '${input.eventType}'.`);
  if (input.consumerId !== "webHooks") return inputError(`Consumer '${String(input.consumerId ?? "")}' does not exist.`);
  if (input.consumerActionId !== "httpRequest") return inputError(`Consumer action '${String(input.consumerActionId ?? "")}' does not exist for consumer 'webHooks'.`);
  const consumerInputs = stringMap(input.consumerInputs);
  let url: URL | undefined;
  try {
    url = consumerInputs.url ? new URL(consumerInputs.url) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) return inputError("The input 'url' is required and must be an absolute HTTP or HTTPS URL.");
  const publisherInputs = stringMap(input.publisherInputs);
  if (publisherInputs.projectId && ![...org.projects.values()].some((p) => p.id === publisherInputs.projectId?.toLowerCase())) {
    return inputError(`The value '${publisherInputs.projectId}' for input 'projectId' is not valid.`);
  }
  const now = state.iso();
  const status = typeof input.status === "string" && ["enabled", "disabledByUser"].includes(input.status) ? (input.status as HookSubscription["status"]) : existing?.status ?? "enabled";
  const sub: HookSubscription = {
    id: existing?.id ?? randomUUID(),
    publisherId: "tfs",
    eventType: input.eventType,
    resourceVersion,
    consumerId: "webHooks",
    consumerActionId: "httpRequest",
    // Azure adds the hosting collection and its internal tfs subscription id to what the client sent.
    publisherInputs: { ...publisherInputs, hostId: org.collectionId, tfsSubscriptionId: existing?.publisherInputs.tfsSubscriptionId ?? randomUUID() },
    consumerInputs,
    status,
    createdBy: existing?.createdBy ?? userId,
    createdDate: existing?.createdDate ?? now,
    modifiedBy: userId,
    modifiedDate: now,
    nextNotificationId: existing?.nextNotificationId ?? 1,
    consecutiveFailures: existing?.consecutiveFailures ?? 0,
  };
  return sub;
}

/** A subscription as the hooks API returns it. */
export function subscriptionJson(state: AzureState, baseUrl: string, org: AzureOrganization, sub: HookSubscription): Record<string, unknown> {
  const person = (id: string) => {
    const user = state.users.get(id);
    return user ? identityRef(baseUrl, org, user) : { id };
  };
  return {
    id: sub.id,
    url: `${orgBaseUrl(baseUrl, org)}_apis/hooks/subscriptions/${sub.id}`,
    status: sub.status,
    publisherId: sub.publisherId,
    eventType: sub.eventType,
    subscriber: null,
    resourceVersion: sub.resourceVersion,
    eventDescription: sub.publisherInputs.projectId ? `Any work item in project ${sub.publisherInputs.projectId}` : "Any work item",
    consumerId: sub.consumerId,
    consumerActionId: sub.consumerActionId,
    actionDescription: `To host ${safeHost(sub.consumerInputs.url)}`,
    probationRetries: sub.status === "onProbation" ? Math.min(sub.consecutiveFailures, 255) : 0,
    createdBy: person(sub.createdBy),
    createdDate: sub.createdDate,
    modifiedBy: person(sub.modifiedBy),
    modifiedDate: sub.modifiedDate,
    publisherInputs: sub.publisherInputs,
    consumerInputs: sub.consumerInputs,
    _links: { self: { href: `${orgBaseUrl(baseUrl, org)}_apis/hooks/subscriptions/${sub.id}` } },
  };
}

function safeHost(url: string | undefined): string {
  try {
    return new URL(url ?? "").host;
  } catch {
    return "";
  }
}

/** Registers `/{organization}/_apis/hooks/subscriptions[/{id}]` (§2.4). */
export function registerSubscriptionRoutes(server: SimServer, state: AzureState): void {
  const notFound = (id: string) => vssError(404, `VS1050008: Subscription ${id} does not exist.`, "SubscriptionNotFoundException");

  server.route("POST", "/:org/_apis/hooks/subscriptions", orgRoute(server, state, (req, { caller, org }) => {
    const version = apiVersion(req);
    if (isResponse(version)) return version;
    const refused = requireScope(caller, HOOK_SCOPES);
    if (refused) return refused;
    const sub = buildSubscription(state, org, req.json as SubscriptionInput, caller.user.id);
    if (isResponse(sub)) return sub;
    org.subscriptions.set(sub.id, sub);
    return { status: 200, body: subscriptionJson(state, server.url, org, sub) };
  }));

  server.route("GET", "/:org/_apis/hooks/subscriptions", orgRoute(server, state, (req, { caller, org }) => {
    const version = apiVersion(req);
    if (isResponse(version)) return version;
    const refused = requireScope(caller, HOOK_SCOPES);
    if (refused) return refused;
    const q = req.url.searchParams;
    const value = [...org.subscriptions.values()]
      .filter((s) => (!q.get("publisherId") || s.publisherId === q.get("publisherId")) && (!q.get("eventType") || s.eventType === q.get("eventType")) && (!q.get("consumerId") || s.consumerId === q.get("consumerId")))
      .map((s) => subscriptionJson(state, server.url, org, s));
    return { status: 200, body: { count: value.length, value } };
  }));

  server.route("GET", "/:org/_apis/hooks/subscriptions/:id", orgRoute(server, state, (req, { caller, org }) => {
    const version = apiVersion(req);
    if (isResponse(version)) return version;
    const refused = requireScope(caller, HOOK_SCOPES);
    if (refused) return refused;
    const sub = org.subscriptions.get((req.params.id ?? "").toLowerCase());
    return sub ? { status: 200, body: subscriptionJson(state, server.url, org, sub) } : notFound(req.params.id ?? "");
  }));

  server.route("PUT", "/:org/_apis/hooks/subscriptions/:id", orgRoute(server, state, (req, { caller, org }) => {
    const version = apiVersion(req);
    if (isResponse(version)) return version;
    const refused = requireScope(caller, HOOK_SCOPES);
    if (refused) return refused;
    const existing = org.subscriptions.get((req.params.id ?? "").toLowerCase());
    if (!existing) return notFound(req.params.id ?? "");
    const sub = buildSubscription(state, org, req.json as SubscriptionInput, caller.user.id, existing);
    if (isResponse(sub)) return sub;
    // Re-enabling through PUT clears the failure history, as re-enabling in the UI does.
    if (sub.status === "enabled") sub.consecutiveFailures = 0;
    org.subscriptions.set(sub.id, sub);
    return { status: 200, body: subscriptionJson(state, server.url, org, sub) };
  }));

  server.route("DELETE", "/:org/_apis/hooks/subscriptions/:id", orgRoute(server, state, (req, { caller, org }) => {
    const version = apiVersion(req);
    if (isResponse(version)) return version;
    const refused = requireScope(caller, HOOK_SCOPES);
    if (refused) return refused;
    const id = (req.params.id ?? "").toLowerCase();
    if (!org.subscriptions.delete(id)) return notFound(req.params.id ?? "");
    return { status: 204 };
  }));
}
