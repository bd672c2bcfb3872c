import { AppError } from "../../domain/errors.js";
import type { AzureDevopsClient } from "./client.js";

/** A work item as the REST API returns it (identity fields are `"Name <email>"` strings at 4.1). */
export interface AzureWorkItem {
  id: number;
  rev: number;
  fields: Record<string, unknown>;
  url: string;
  _links?: { html?: { href?: string } };
}

/** One JSON-patch operation on a work item (contracts §2.2). */
export interface PatchOperation {
  op: "add" | "replace" | "remove" | "test";
  path: string;
  value?: unknown;
}

/** A work item type state with its category (`Proposed`, `InProgress`, `Resolved`, `Completed`, `Removed`). */
export interface WorkItemState {
  name: string;
  category?: string;
  color?: string;
}

function workItemId(key: string): number {
  const id = Number(key);
  if (!/^\d+$/.test(key.trim()) || !Number.isSafeInteger(id) || id <= 0) {
    throw new AppError("validation", "azure_work_item_key_invalid", `"${key}" is not an Azure DevOps work item id (a positive number)`);
  }
  return id;
}

/** Reads a work item by id. */
export async function getWorkItem(client: AzureDevopsClient, key: string): Promise<AzureWorkItem> {
  return (await client.request<AzureWorkItem>("GET", `_apis/wit/workitems/${workItemId(key)}`)).data;
}

/** Reads several work items at once (at most 200, Azure's batch limit). */
export async function getWorkItems(client: AzureDevopsClient, ids: number[]): Promise<AzureWorkItem[]> {
  if (!ids.length) return [];
  return (await client.request<{ value?: AzureWorkItem[] }>("GET", "_apis/wit/workitems", { query: { ids: ids.slice(0, 200).join(",") } })).data?.value ?? [];
}

/** Creates a work item of `type` in `project` from patch operations. */
export async function createWorkItem(client: AzureDevopsClient, project: string, type: string, operations: PatchOperation[]): Promise<AzureWorkItem> {
  const path = `${encodeURIComponent(project)}/_apis/wit/workitems/$${encodeURIComponent(type)}`;
  // Azure creates with PATCH as well as POST; the JSON-patch content type is what it checks.
  return (await client.request<AzureWorkItem>("PATCH", path, { body: operations })).data;
}

/** Applies patch operations to a work item (one new revision when anything changes). */
export async function updateWorkItem(client: AzureDevopsClient, key: string, operations: PatchOperation[]): Promise<AzureWorkItem> {
  return (await client.request<AzureWorkItem>("PATCH", `_apis/wit/workitems/${workItemId(key)}`, { body: operations })).data;
}

/** Runs a WIQL query (in a project when given, so `@project` resolves) and returns the matching ids in order. */
export async function queryWorkItemIds(client: AzureDevopsClient, wiql: string, project: string | undefined, top: number): Promise<number[]> {
  const path = project ? `${encodeURIComponent(project)}/_apis/wit/wiql` : "_apis/wit/wiql";
  const result = await client.request<{ workItems?: Array<{ id: number }> }>("POST", path, { body: { query: wiql }, query: { $top: top } });
  return (result.data?.workItems ?? []).map((w) => w.id).slice(0, top);
}

/** The states of a work item type in a project (a preview API). */
export async function workItemTypeStates(client: AzureDevopsClient, project: string, type: string): Promise<WorkItemState[]> {
  const path = `${encodeURIComponent(project)}/_apis/wit/workitemtypes/${encodeURIComponent(type)}/states`;
  return (await client.request<{ value?: WorkItemState[] }>("GET", path, { preview: true })).data?.value ?? [];
}

/** The email of an identity field value: an IdentityRef's `uniqueName` or the `<…>` of `"Name <email>"`. */
export function identityEmail(value: unknown): string | null {
  if (value && typeof value === "object") {
    const unique = (value as { uniqueName?: unknown }).uniqueName;
    return typeof unique === "string" && unique ? unique : null;
  }
  if (typeof value !== "string" || !value) return null;
  const inside = /<(.*)>/.exec(value)?.[1]?.trim();
  return inside || (value.includes("@") ? value.trim() : null);
}
