import type { SimResponse } from "../shared/sim-server.js";
import { vssError } from "./errors.js";
import type { AzureOrganization, AzureProject, AzureState, AzureUser, WorkItem, WorkItemRelation } from "./state.js";
import { statesOf } from "./work-items.js";

const BAD_DOCUMENT = "You must pass a valid patch document in the body of the request.";

type FieldKind = "title" | "html" | "text" | "state" | "identity" | "path" | "priority" | "severity" | "valueArea" | "number" | "readonly";

/** The fields a client may name, with how their values are checked. */
const FIELDS: Record<string, FieldKind> = {
  "System.Title": "title",
  "System.Description": "html",
  "System.History": "html",
  "Microsoft.VSTS.TCM.ReproSteps": "html",
  "Microsoft.VSTS.Common.AcceptanceCriteria": "html",
  "System.State": "state",
  "System.Reason": "text",
  "System.Tags": "text",
  "System.AssignedTo": "identity",
  "System.AreaPath": "path",
  "System.IterationPath": "path",
  "Microsoft.VSTS.Common.Priority": "priority",
  "Microsoft.VSTS.Common.Severity": "severity",
  "Microsoft.VSTS.Common.ValueArea": "valueArea",
  "Microsoft.VSTS.Scheduling.StoryPoints": "number",
  "Microsoft.VSTS.Scheduling.Effort": "number",
  "Microsoft.VSTS.Scheduling.RemainingWork": "number",
  "Microsoft.VSTS.Scheduling.OriginalEstimate": "number",
  "Microsoft.VSTS.Scheduling.CompletedWork": "number",
  "System.Id": "readonly",
  "System.Rev": "readonly",
  "System.WorkItemType": "readonly",
  "System.TeamProject": "readonly",
  "System.CreatedDate": "readonly",
  "System.CreatedBy": "readonly",
  "System.ChangedDate": "readonly",
  "System.ChangedBy": "readonly",
  "System.AuthorizedDate": "readonly",
  "System.AuthorizedAs": "readonly",
  "System.RevisedDate": "readonly",
  "System.Watermark": "readonly",
  "System.CommentCount": "readonly",
  "Microsoft.VSTS.Common.StateChangeDate": "readonly",
};

const FRIENDLY: Record<string, string> = { "System.AssignedTo": "Assigned To", "Microsoft.VSTS.Common.Priority": "Priority", "Microsoft.VSTS.Common.Severity": "Severity", "Microsoft.VSTS.Common.ValueArea": "Value Area" };

/** The canonical reference name of a field (Azure matches field names case-insensitively). */
export function canonicalField(name: string): string | undefined {
  return Object.keys(FIELDS).find((f) => f.toLowerCase() === name.toLowerCase());
}

function friendly(field: string): string {
  return FRIENDLY[field] ?? field.split(".").pop() ?? field;
}

function ruleError(field: string, codes: string): SimResponse {
  return vssError(400, `TF401320: Rule Error for field ${friendly(field)}. Error code: ${codes}.`, "RuleValidationException");
}

/** Finds an organization member from an e-mail, `"Name <email>"`, display name, id or IdentityRef-like object. */
export function resolveIdentity(state: AzureState, org: AzureOrganization, value: unknown): AzureUser | undefined {
  let text: string | undefined;
  if (typeof value === "string") text = value;
  else if (value && typeof value === "object") {
    const ref = value as { uniqueName?: unknown; id?: unknown; displayName?: unknown };
    text = [ref.uniqueName, ref.id, ref.displayName].find((v): v is string => typeof v === "string");
  }
  if (!text) return undefined;
  const wanted = (/<([^<>]+)>\s*$/.exec(text)?.[1] ?? text).trim().toLowerCase();
  const members = [...org.members].map((id) => state.users.get(id)).filter((u): u is AzureUser => !!u);
  const byKey = members.find((u) => u.email.toLowerCase() === wanted || u.id === wanted);
  if (byKey) return byKey;
  const byName = members.filter((u) => u.displayName.toLowerCase() === wanted);
  return byName.length === 1 ? byName[0] : undefined;
}

/** Checks one field value and turns it into stored form (identities become user ids; `null` removes). */
export function checkFieldValue(
  state: AzureState,
  org: AzureOrganization,
  project: AzureProject,
  type: string,
  field: string,
  value: unknown,
): { ok: true; value: unknown } | { ok: false; response: SimResponse } {
  const kind = FIELDS[field];
  const fail = (response: SimResponse) => ({ ok: false as const, response });
  if (kind === undefined) return fail(vssError(400, `TF51535: Cannot find field ${field}.`, "WorkItemFieldInvalidException"));
  if (kind === "readonly") return fail(vssError(400, `TF401326: Invalid field status 'ReadOnly' for field '${field}'.`, "RuleValidationException"));
  const empty = value === null || value === undefined || value === "";
  switch (kind) {
    case "title":
      if (empty || typeof value !== "string" || !value.trim()) return fail(ruleError(field, "Required, InvalidEmpty"));
      if (value.length > 255) return fail(ruleError(field, "MaxLength"));
      return { ok: true, value };
    case "state": {
      const states = statesOf(project, type);
      const match = typeof value === "string" ? states.find((s) => s.name.toLowerCase() === value.toLowerCase()) : undefined;
      if (!match) return fail(ruleError(field, "Required, HasValues, LimitedToValues, AllowsOldValue, InvalidEmpty"));
      return { ok: true, value: match.name };
    }
    case "identity": {
      if (empty) return { ok: true, value: null };
      const user = resolveIdentity(state, org, value);
      if (!user) return fail(vssError(400, `The identity value '${typeof value === "string" ? value : JSON.stringify(value)}' for field '${friendly(field)}' is an unknown identity.`, "RuleValidationException"));
      return { ok: true, value: user.id };
    }
    case "path": {
      const text = typeof value === "string" ? value : "";
      if (text.toLowerCase() !== project.name.toLowerCase() && !text.toLowerCase().startsWith(`${project.name.toLowerCase()}\\`)) {
        return fail(vssError(400, `TF401347: Invalid tree name given for work item -1, field '${field}'.`, "RuleValidationException"));
      }
      return { ok: true, value: text };
    }
    case "priority":
      if (empty) return { ok: true, value: null };
      if (![1, 2, 3, 4].includes(Number(value))) return fail(ruleError(field, "LimitedToValues"));
      return { ok: true, value: Number(value) };
    case "severity":
      if (empty) return { ok: true, value: null };
      if (!["1 - Critical", "2 - High", "3 - Medium", "4 - Low"].includes(String(value))) return fail(ruleError(field, "LimitedToValues"));
      return { ok: true, value };
    case "valueArea":
      if (empty) return { ok: true, value: null };
      if (!["Business", "Architectural"].includes(String(value))) return fail(ruleError(field, "LimitedToValues"));
      return { ok: true, value };
    case "number":
      if (empty) return { ok: true, value: null };
      if (!Number.isFinite(Number(value))) return fail(vssError(400, `The value '${String(value)}' for field '${friendly(field)}' is not a valid number.`, "RuleValidationException"));
      return { ok: true, value: Number(value) };
    default:
      if (empty) return { ok: true, value: null };
      return { ok: true, value: typeof value === "string" ? value : JSON.stringify(value) };
  }
}

/**
 * Reads a JSON Patch document for work item create/update (§2.2): `add`/`replace`/`remove` on
 * `/fields/<ref>`, `add` on `/relations/-`, `test` on `/rev` or a field. Returns stored-form values.
 */
export function readWorkItemPatch(
  state: AzureState,
  org: AzureOrganization,
  project: AzureProject,
  type: string,
  body: unknown,
  item: WorkItem | undefined,
): { ok: true; values: Record<string, unknown>; relations: WorkItemRelation[] } | { ok: false; response: SimResponse } {
  const fail = (response: SimResponse) => ({ ok: false as const, response });
  if (!Array.isArray(body) || body.length === 0) return fail(vssError(400, BAD_DOCUMENT, "VssPropertyValidationException"));
  const values: Record<string, unknown> = {};
  const relations: WorkItemRelation[] = [];
  for (const raw of body as unknown[]) {
    if (!raw || typeof raw !== "object") return fail(vssError(400, BAD_DOCUMENT, "VssPropertyValidationException"));
    const op = String((raw as { op?: unknown }).op ?? "").toLowerCase();
    const path = String((raw as { path?: unknown }).path ?? "");
    const value = (raw as { value?: unknown }).value;
    if (!["add", "replace", "remove", "test"].includes(op)) return fail(vssError(400, `The operation '${op}' is not supported for work item patch documents.`, "VssPropertyValidationException"));
    if (op === "test") {
      const actual = path.toLowerCase() === "/rev" ? item?.rev : item?.fields[canonicalField(path.replace(/^\/fields\//i, "")) ?? ""];
      if (String(actual) !== String(value)) return fail(vssError(400, `Test operation failed for path '${path}': expected '${String(value)}', found '${String(actual)}'.`, "VssPropertyValidationException"));
      continue;
    }
    if (path === "/relations/-" && op === "add") {
      const rel = value as { rel?: unknown; url?: unknown; attributes?: unknown } | undefined;
      if (!rel || typeof rel.rel !== "string" || typeof rel.url !== "string") return fail(vssError(400, BAD_DOCUMENT, "VssPropertyValidationException"));
      relations.push({ rel: rel.rel, url: rel.url, attributes: rel.attributes && typeof rel.attributes === "object" ? (rel.attributes as Record<string, unknown>) : {} });
      continue;
    }
    const fieldMatch = /^\/fields\/(.+)$/i.exec(path);
    if (!fieldMatch) return fail(vssError(400, `The path '${path}' is not supported for work item patch documents.`, "VssPropertyValidationException"));
    const requested = decodeURIComponent(fieldMatch[1] as string);
    const field = canonicalField(requested) ?? requested;
    if (op === "remove" && FIELDS[field] === "title") return fail(ruleError(field, "Required, InvalidEmpty"));
    const checked = checkFieldValue(state, org, project, type, field, op === "remove" ? null : value);
    if (!checked.ok) return checked;
    values[field] = checked.value;
  }
  return { ok: true, values, relations };
}
