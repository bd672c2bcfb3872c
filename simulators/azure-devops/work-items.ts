import { defaultStates, type WorkItemState } from "./process-templates.js";
import type { AzureOrganization, AzureProject, AzureState, WorkItem, WorkItemRelation, WorkItemUpdate } from "./state.js";

/** `System.RevisedDate` of the latest revision: Azure's "not revised yet" sentinel. */
export const NOT_REVISED = "9999-01-01T00:00:00Z";

/** The states a type has in a project: the project's override, else its process's defaults. */
export function statesOf(project: AzureProject, type: string): WorkItemState[] {
  return project.stateOverrides.get(type) ?? defaultStates(project.process, type);
}

/** Stored values equal? (Dates and numbers are stored as given; identities as user ids.) */
function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function now(state: AzureState, item?: WorkItem): string {
  // Revision dates must move forward even when two changes land in the same millisecond.
  const at = state.clock.now();
  const previous = item ? Date.parse(String(item.fields["System.ChangedDate"])) : 0;
  return new Date(Math.max(at, previous + 1)).toISOString();
}

/** Creates a work item at rev 1 with Azure's defaults, then `values` (stored form) on top. */
export function createWorkItem(
  state: AzureState,
  org: AzureOrganization,
  project: AzureProject,
  type: string,
  values: Record<string, unknown>,
  byUserId: string,
  relations: WorkItemRelation[] = [],
): WorkItem {
  const id = org.nextWorkItemId++;
  const at = now(state);
  const initial = statesOf(project, type)[0]?.name ?? "New";
  const fields: Record<string, unknown> = {
    "System.Id": id,
    "System.AreaPath": project.name,
    "System.TeamProject": project.name,
    "System.IterationPath": project.name,
    "System.WorkItemType": type,
    "System.State": initial,
    "System.Reason": "New",
    "System.CreatedDate": at,
    "System.CreatedBy": byUserId,
    "System.ChangedDate": at,
    "System.ChangedBy": byUserId,
    "System.AuthorizedDate": at,
    "System.AuthorizedAs": byUserId,
    "System.RevisedDate": NOT_REVISED,
    "System.Rev": 1,
    "System.Watermark": ++org.watermark,
    "System.CommentCount": 0,
    "Microsoft.VSTS.Common.StateChangeDate": at,
    "Microsoft.VSTS.Common.Priority": 2,
  };
  if (type === "Bug") fields["Microsoft.VSTS.Common.Severity"] = "3 - Medium";
  if (project.process === "Agile" && ["Bug", "User Story", "Feature", "Epic"].includes(type)) fields["Microsoft.VSTS.Common.ValueArea"] = "Business";
  let comment: unknown;
  for (const [name, value] of Object.entries(values)) {
    if (value === null || value === undefined) continue;
    if (name === "System.History") comment = value;
    else fields[name] = value;
  }
  if (comment !== undefined) fields["System.CommentCount"] = 1;
  const item: WorkItem = { id, projectId: project.id, rev: 1, fields, relations: [...relations], updates: [] };
  const delta: WorkItemUpdate["fields"] = {};
  for (const [name, value] of Object.entries(fields)) delta[name] = { newValue: value };
  if (comment !== undefined) delta["System.History"] = { newValue: comment };
  item.updates.push({ id: 1, rev: 1, revisedBy: byUserId, revisedDate: NOT_REVISED, fields: delta, snapshot: { ...fields }, kind: "created" });
  org.workItems.set(id, item);
  return item;
}

/**
 * Applies field changes (stored form; `null` removes a field) as one new revision. Returns the update,
 * or undefined when nothing actually changed (no new revision, nothing delivered).
 */
export function updateWorkItem(
  state: AzureState,
  org: AzureOrganization,
  item: WorkItem,
  values: Record<string, unknown>,
  byUserId: string,
  relationsAdded: WorkItemRelation[] = [],
): WorkItemUpdate | undefined {
  const delta: WorkItemUpdate["fields"] = {};
  let comment: unknown;
  for (const [name, value] of Object.entries(values)) {
    if (name === "System.History") {
      if (value !== null && value !== undefined && value !== "") comment = value;
      continue;
    }
    const old = item.fields[name];
    const next = value === null || value === "" ? undefined : value;
    if (same(old, next)) continue;
    delta[name] = { ...(old === undefined ? {} : { oldValue: old }), ...(next === undefined ? {} : { newValue: next }) };
  }
  if (!Object.keys(delta).length && comment === undefined && !relationsAdded.length) return undefined;

  const at = now(state, item);
  const previousChangedDate = item.fields["System.ChangedDate"];
  const previousRev = item.rev;
  if (delta["System.State"] && !("System.Reason" in values)) {
    const reason = `Moved to state ${String(delta["System.State"].newValue)}`;
    if (item.fields["System.Reason"] !== reason) delta["System.Reason"] = { oldValue: item.fields["System.Reason"], newValue: reason };
  }
  if (delta["System.State"]) delta["Microsoft.VSTS.Common.StateChangeDate"] = { oldValue: item.fields["Microsoft.VSTS.Common.StateChangeDate"], newValue: at };
  if (comment !== undefined) {
    delta["System.History"] = { newValue: comment };
    delta["System.CommentCount"] = { oldValue: item.fields["System.CommentCount"] ?? 0, newValue: Number(item.fields["System.CommentCount"] ?? 0) + 1 };
  }
  // Every revision moves Azure's bookkeeping fields; deliveries list them among the changes.
  delta["System.Rev"] = { oldValue: previousRev, newValue: previousRev + 1 };
  delta["System.AuthorizedDate"] = { oldValue: item.fields["System.AuthorizedDate"], newValue: at };
  delta["System.RevisedDate"] = { oldValue: at, newValue: NOT_REVISED };
  delta["System.ChangedDate"] = { oldValue: previousChangedDate, newValue: at };
  delta["System.Watermark"] = { oldValue: item.fields["System.Watermark"], newValue: ++org.watermark };
  if (item.fields["System.ChangedBy"] !== byUserId) delta["System.ChangedBy"] = { oldValue: item.fields["System.ChangedBy"], newValue: byUserId };
  if (item.fields["System.AuthorizedAs"] !== byUserId) delta["System.AuthorizedAs"] = { oldValue: item.fields["System.AuthorizedAs"], newValue: byUserId };

  for (const [name, change] of Object.entries(delta)) {
    if (name === "System.History" || name === "System.RevisedDate") continue;
    if (change.newValue === undefined) delete item.fields[name];
    else item.fields[name] = change.newValue;
  }
  item.rev = previousRev + 1;
  item.relations.push(...relationsAdded);
  const snapshot: Record<string, unknown> = { ...item.fields };
  if (comment !== undefined) snapshot["System.History"] = comment;
  const update: WorkItemUpdate = { id: item.updates.length + 1, rev: item.rev, revisedBy: byUserId, revisedDate: NOT_REVISED, fields: delta, snapshot, kind: "updated" };
  item.updates.push(update);
  return update;
}
