import type { AzureOrganization, AzureState, HookSubscription, WorkItem, WorkItemUpdate } from "./state.js";
import { identityRef, identityString, orgBaseUrl, renderFields, renderValue } from "./work-item-json.js";

/** The event types the `tfs` publisher raises for work items. */
export const WORK_ITEM_EVENTS = ["workitem.created", "workitem.updated", "workitem.commented", "workitem.deleted", "workitem.restored"];

/** Which events one revision raises: created, or updated (plus commented when it carries a comment). */
export function eventsFor(update: WorkItemUpdate): string[] {
  if (update.kind === "created") return ["workitem.created"];
  return update.fields["System.History"] ? ["workitem.updated", "workitem.commented"] : ["workitem.updated"];
}

/** Whether a subscription wants this event about this work item (its status and `publisherInputs` filters, §2.4). */
export function subscriptionMatches(sub: HookSubscription, eventType: string, item: WorkItem, update: WorkItemUpdate): boolean {
  if (sub.publisherId !== "tfs" || sub.eventType !== eventType) return false;
  if (sub.status !== "enabled" && sub.status !== "onProbation") return false;
  const inputs = sub.publisherInputs;
  if (inputs.projectId && inputs.projectId.toLowerCase() !== item.projectId) return false;
  if (inputs.workItemType && inputs.workItemType.toLowerCase() !== String(item.fields["System.WorkItemType"]).toLowerCase()) return false;
  if (inputs.areaPath) {
    const area = String(item.fields["System.AreaPath"]).toLowerCase();
    const wanted = inputs.areaPath.toLowerCase();
    if (area !== wanted && !area.startsWith(`${wanted}\\`)) return false;
  }
  if (inputs.changedFields && eventType === "workitem.updated") {
    const wanted = inputs.changedFields.split(",").map((f) => f.trim().toLowerCase()).filter(Boolean);
    if (wanted.length && !Object.keys(update.fields).some((f) => wanted.includes(f.toLowerCase()))) return false;
  }
  return true;
}

/** Azure's `createdDate`: ISO-8601 with seven fractional digits. */
function createdDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, (_m, frac: string) => `.${frac}${String(Math.floor(Math.random() * 10000)).padStart(4, "0")}Z`);
}

function messages(sub: HookSubscription, key: "messagesToSend" | "detailedMessagesToSend", text: string, html: string, markdown: string): Record<string, string> | null {
  const wanted = (sub.consumerInputs[key] ?? "all").toLowerCase();
  if (wanted === "none") return null;
  const all = { text, html, markdown };
  return wanted === "all" ? all : wanted in all ? { [wanted]: all[wanted as keyof typeof all] } : all;
}

/**
 * The body of one notification (§2.5). resourceVersion 1.0 renders identities as `"Name <email>"`
 * strings; 5.x renders them as IdentityRef objects. `resource.fields` holds only what the revision changed.
 */
export function workItemEventPayload(
  state: AzureState,
  baseUrl: string,
  org: AzureOrganization,
  item: WorkItem,
  update: WorkItemUpdate,
  eventType: string,
  sub: HookSubscription,
  notificationId: number,
  eventId: string,
): Record<string, unknown> {
  const orgBase = orgBaseUrl(baseUrl, org);
  const asObjects = sub.resourceVersion.startsWith("5.");
  const revisedBy = state.users.get(update.revisedBy);
  const type = String(update.snapshot["System.WorkItemType"]);
  const title = String(update.snapshot["System.Title"] ?? "");
  const html = `${orgBase}web/wi.aspx?pcguid=${org.collectionId}&id=${item.id}`;
  const who = revisedBy?.displayName ?? "Unknown";
  const newState = update.fields["System.State"]?.newValue;
  const verb =
    eventType === "workitem.created" ? "created" : eventType === "workitem.commented" ? "commented on" : newState !== undefined && update.kind === "updated" ? `transitioned to ${String(newState)}` : "updated";
  const summary = (label: string) => `${label} (${title}) ${verb} by ${who}`;
  const itemLabel = `${type} #${item.id}`;
  const itemBase = `${orgBase}${item.projectId}/_apis/wit/workItems/${item.id}`;

  let resource: Record<string, unknown> | null;
  if (eventType === "workitem.updated") {
    const fields: Record<string, unknown> = {};
    for (const [name, change] of Object.entries(update.fields)) {
      const rendered: Record<string, unknown> = {};
      if (change.oldValue !== undefined) rendered.oldValue = renderValue(state, baseUrl, org, name, change.oldValue, asObjects);
      if (change.newValue !== undefined) rendered.newValue = renderValue(state, baseUrl, org, name, change.newValue, asObjects);
      fields[name] = rendered;
    }
    const revisionFields = renderFields(state, baseUrl, org, update.snapshot, { asObjects });
    if (update.snapshot["System.History"] !== undefined) revisionFields["System.History"] = update.snapshot["System.History"];
    resource = {
      id: update.id,
      workItemId: item.id,
      rev: update.rev,
      revisedBy: revisedBy ? { ...identityRef(baseUrl, org, revisedBy), name: identityString(revisedBy) } : null,
      revisedDate: update.revisedDate,
      fields,
      _links: {
        self: { href: `${itemBase}/updates/${update.id}` },
        workItemUpdates: { href: `${itemBase}/updates` },
        html: { href: html },
        parent: { href: itemBase },
      },
      url: `${itemBase}/updates/${update.id}`,
      revision: {
        id: item.id,
        rev: update.rev,
        fields: revisionFields,
        url: `${itemBase}/revisions/${update.rev}`,
        _links: { self: { href: `${itemBase}/revisions/${update.rev}` }, workItemRevisions: { href: `${itemBase}/revisions` }, parent: { href: itemBase } },
      },
    };
  } else {
    const fields = renderFields(state, baseUrl, org, update.snapshot, { asObjects });
    if (update.snapshot["System.History"] !== undefined) fields["System.History"] = update.snapshot["System.History"];
    else if (update.fields["System.History"]?.newValue !== undefined) fields["System.History"] = update.fields["System.History"].newValue;
    resource = { id: item.id, rev: update.rev, fields, _links: { self: { href: itemBase }, html: { href: html } }, url: itemBase };
  }

  const detail = (sub.consumerInputs.resourceDetailsToSend ?? "all").toLowerCase();
  if (detail === "none") resource = null;
  else if (detail === "minimal" && resource) resource = { id: resource.id, ...(eventType === "workitem.updated" ? { workItemId: item.id, rev: update.rev } : {}), url: resource.url };

  const containers = { baseUrl: orgBase };
  return {
    subscriptionId: sub.id,
    notificationId,
    id: eventId,
    eventType,
    publisherId: "tfs",
    message: messages(sub, "messagesToSend", summary(itemLabel), summary(`<a href="${html}">${itemLabel}</a>`), summary(`[${itemLabel}](${html})`)),
    detailedMessage: messages(sub, "detailedMessagesToSend", `${summary(itemLabel)}\r\n(${html})`, summary(`<a href="${html}">${itemLabel}</a>`), summary(`[${itemLabel}](${html})`)),
    resource,
    resourceVersion: sub.resourceVersion,
    resourceContainers: {
      collection: { id: org.collectionId, ...containers },
      account: { id: org.id, ...containers },
      project: { id: item.projectId, ...containers },
    },
    createdDate: createdDate(state.clock.now()),
  };
}

/** The request headers of a webHooks/httpRequest delivery: JSON, plus every `httpHeaders` line and basic auth when configured (§2.5). */
export function deliveryHeaders(sub: HookSubscription): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8", "user-agent": "VSServices/16.255.35108.2 (NetStandard; Microsoft Windows 10.0.17763 )" };
  for (const line of (sub.consumerInputs.httpHeaders ?? "").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  const { basicAuthUsername: user, basicAuthPassword: password } = sub.consumerInputs;
  if (user || password) headers.authorization = `Basic ${Buffer.from(`${user ?? ""}:${password ?? ""}`).toString("base64")}`;
  return headers;
}
