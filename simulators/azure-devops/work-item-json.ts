import type { AzureOrganization, AzureState, AzureUser, WorkItem } from "./state.js";

/** Fields whose values are people; stored as user ids, rendered per API version. */
export const IDENTITY_FIELDS = new Set([
  "System.AssignedTo",
  "System.CreatedBy",
  "System.ChangedBy",
  "System.AuthorizedAs",
  "Microsoft.VSTS.Common.ActivatedBy",
  "Microsoft.VSTS.Common.ResolvedBy",
  "Microsoft.VSTS.Common.ClosedBy",
]);

/** Bookkeeping fields Azure keeps on every revision but leaves out of a work item's `fields`. */
export const HIDDEN_FIELDS = new Set(["System.Id", "System.Rev", "System.Watermark", "System.AuthorizedDate", "System.RevisedDate", "System.AuthorizedAs", "System.PersonId"]);

/** `https://dev.azure.com/{org}/` on the simulator. */
export function orgBaseUrl(baseUrl: string, org: AzureOrganization): string {
  return `${baseUrl}/${org.name}/`;
}

/** The `"Display Name <email>"` form identities take in resourceVersion 1.0 and in pre-5.0 REST responses. */
export function identityString(user: AzureUser): string {
  return `${user.displayName} <${user.email}>`;
}

/** An IdentityRef, as REST 5.0+ renders identity fields (and as deliveries render `revisedBy`). */
export function identityRef(baseUrl: string, org: AzureOrganization, user: AzureUser): Record<string, unknown> {
  const orgBase = orgBaseUrl(baseUrl, org);
  return {
    displayName: user.displayName,
    url: `${baseUrl}/_apis/Identities/${user.id}`,
    _links: { avatar: { href: `${orgBase}_apis/GraphProfile/MemberAvatars/${user.descriptor}` } },
    id: user.id,
    uniqueName: user.email,
    imageUrl: `${orgBase}_api/_common/identityImage?id=${user.id}`,
    descriptor: user.descriptor,
  };
}

/** Turns one stored field value into its wire form. */
export function renderValue(state: AzureState, baseUrl: string, org: AzureOrganization, field: string, value: unknown, asObjects: boolean): unknown {
  if (!IDENTITY_FIELDS.has(field) || typeof value !== "string") return value;
  const user = state.users.get(value);
  if (!user) return value;
  return asObjects ? identityRef(baseUrl, org, user) : identityString(user);
}

/** Renders a field map (stored form) for the wire, leaving out hidden bookkeeping fields unless asked. */
export function renderFields(
  state: AzureState,
  baseUrl: string,
  org: AzureOrganization,
  fields: Record<string, unknown>,
  options: { asObjects: boolean; includeHidden?: boolean; only?: string[] },
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    if (!options.includeHidden && HIDDEN_FIELDS.has(name)) continue;
    if (options.only && !options.only.some((f) => f.toLowerCase() === name.toLowerCase())) continue;
    out[name] = renderValue(state, baseUrl, org, name, value, options.asObjects);
  }
  return out;
}

/** The REST representation of a work item (`GET _apis/wit/workitems/{id}`). */
export function workItemJson(
  state: AzureState,
  baseUrl: string,
  org: AzureOrganization,
  item: WorkItem,
  options: { asObjects: boolean; expand?: string; only?: string[] },
): Record<string, unknown> {
  const orgBase = orgBaseUrl(baseUrl, org);
  const self = `${orgBase}_apis/wit/workItems/${item.id}`;
  const body: Record<string, unknown> = {
    id: item.id,
    rev: item.rev,
    fields: renderFields(state, baseUrl, org, item.fields, { asObjects: options.asObjects, only: options.only }),
  };
  const expand = (options.expand ?? "").toLowerCase();
  if ((expand === "relations" || expand === "all") && item.relations.length) body.relations = item.relations;
  if (expand !== "none") {
    body._links = {
      self: { href: self },
      workItemUpdates: { href: `${self}/updates` },
      workItemRevisions: { href: `${self}/revisions` },
      workItemComments: { href: `${self}/comments` },
      html: { href: `${orgBase}web/wi.aspx?pcguid=${org.collectionId}&id=${item.id}` },
      workItemType: { href: `${orgBase}${item.projectId}/_apis/wit/workItemTypes/${encodeURIComponent(String(item.fields["System.WorkItemType"]))}` },
      fields: { href: `${orgBase}_apis/wit/fields` },
    };
  }
  body.url = self;
  return body;
}
