import type { SimRequest, SimResponse, SimServer } from "../shared/sim-server.js";
import { apiVersion, identitiesAsObjects, type ApiVersion } from "./api-version.js";
import type { AzureDeliveries } from "./deliver-webhook.js";
import { vssError } from "./errors.js";
import { canonicalType, workItemTypeCategories, workItemTypes } from "./process-templates.js";
import { requireScope } from "./rest-auth.js";
import { isResponse, orgRoute, patchRoute, projectOf, type OrgContext } from "./rest-context.js";
import type { AzureOrganization, AzureProject, AzureState, WorkItem } from "./state.js";
import { canonicalField, readWorkItemPatch } from "./work-item-patch.js";
import { IDENTITY_FIELDS, orgBaseUrl, renderValue, workItemJson } from "./work-item-json.js";
import { createWorkItem, statesOf, updateWorkItem } from "./work-items.js";
import { evaluateWiql, parseWiql, WiqlError } from "./wiql.js";

const READ = ["vso.work"];
const WRITE = ["vso.work_write"];
const PATCH_CONTENT_TYPE = "application/json-patch+json";

function notFound(id: number | string): SimResponse {
  return vssError(404, `TF401232: Work item ${id} does not exist, or you do not have permissions to read it.`, "WorkItemUnauthorizedAccessException");
}

function typeNotFound(type: string, project: AzureProject): SimResponse {
  return vssError(404, `VS402323: Work item type ${type} does not exist in project ${project.name}.`, "WorkItemTypeNotFoundException");
}

/** Registers work item get/list/create/update, their updates, WIQL, type states and categories (§2.2). */
export function registerWorkItemRoutes(server: SimServer, state: AzureState, deliveries: AzureDeliveries): void {
  const base = () => server.url;

  const readVersion = (req: SimRequest, ctx: OrgContext, scopes: string[], options: { previewOnly?: boolean } = {}): ApiVersion | SimResponse => {
    const version = apiVersion(req, options);
    if (isResponse(version)) return version;
    return requireScope(ctx.caller, scopes) ?? version;
  };

  /** The work item of the route, optionally required to be in the route's project. */
  const findItem = (ctx: OrgContext, idText: string, projectName: string | undefined): WorkItem | SimResponse => {
    const id = Number(idText);
    const item = Number.isInteger(id) ? ctx.org.workItems.get(id) : undefined;
    if (!item) return notFound(idText);
    if (projectName) {
      const project = projectOf(state, ctx.org, projectName);
      if (isResponse(project)) return project;
      if (project.id !== item.projectId) return notFound(idText);
    }
    return item;
  };

  const getItem = orgRoute(server, state, (req, ctx) => {
    const version = readVersion(req, ctx, READ);
    if (isResponse(version)) return version;
    const item = findItem(ctx, req.params.id ?? "", req.params.project);
    if (isResponse(item)) return item;
    const q = req.url.searchParams;
    const only = q.get("fields")?.split(",").map((f) => f.trim()).filter(Boolean);
    if (only?.length && q.get("$expand")) return vssError(400, "The expand parameter can not be used with the fields parameter.", "ArgumentException");
    return { status: 200, body: workItemJson(state, base(), ctx.org, item, { asObjects: identitiesAsObjects(version), expand: q.get("$expand") ?? undefined, only }) };
  });

  const listItems = orgRoute(server, state, (req, ctx) => {
    const version = readVersion(req, ctx, READ);
    if (isResponse(version)) return version;
    const q = req.url.searchParams;
    const ids = (q.get("ids") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    if (!ids.length) return vssError(400, "Value cannot be null.\r\nParameter name: ids", "ArgumentNullException");
    if (ids.length > 200) return vssError(400, "The maximum number of work items that can be requested at once is 200.", "ArgumentException");
    const omit = (q.get("errorPolicy") ?? "").toLowerCase() === "omit";
    const only = q.get("fields")?.split(",").map((f) => f.trim()).filter(Boolean);
    const value: Array<Record<string, unknown> | null> = [];
    for (const idText of ids) {
      const item = ctx.org.workItems.get(Number(idText));
      if (!item) {
        if (omit) {
          value.push(null);
          continue;
        }
        return notFound(idText);
      }
      value.push(workItemJson(state, base(), ctx.org, item, { asObjects: identitiesAsObjects(version), expand: q.get("$expand") ?? undefined, only }));
    }
    return { status: 200, body: { count: value.length, value } };
  });

  /** Write routes take only JSON Patch bodies; Azure answers 415 otherwise. */
  const requirePatchBody = (req: SimRequest): SimResponse | undefined => {
    const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
    if (type === PATCH_CONTENT_TYPE) return undefined;
    return vssError(
      415,
      `The request indicated a Content-Type of "${req.headers["content-type"] ?? ""}" for method type "${req.method}" which is not supported. Valid content types for this method are: ${PATCH_CONTENT_TYPE}.`,
      "VssRequestContentTypeNotSupportedException",
    );
  };

  const projectOfItem = (org: AzureOrganization, item: WorkItem): AzureProject => org.projects.get(item.projectId) as AzureProject;

  const update = async (req: SimRequest, ctx: OrgContext): Promise<SimResponse> => {
    const version = readVersion(req, ctx, WRITE);
    if (isResponse(version)) return version;
    const badType = requirePatchBody(req);
    if (badType) return badType;
    const item = findItem(ctx, req.params.id ?? "", req.params.project);
    if (isResponse(item)) return item;
    const project = projectOfItem(ctx.org, item);
    const patch = readWorkItemPatch(state, ctx.org, project, String(item.fields["System.WorkItemType"]), req.json, item);
    if (!patch.ok) return patch.response;
    const change = updateWorkItem(state, ctx.org, item, patch.values, ctx.caller.user.id, patch.relations);
    // Azure delivers service hooks asynchronously, after answering the request.
    if (change) void deliveries.notify(ctx.org, item, change);
    return { status: 200, body: workItemJson(state, base(), ctx.org, item, { asObjects: identitiesAsObjects(version), expand: patch.relations.length ? "relations" : undefined }) };
  };

  const create = async (req: SimRequest, ctx: OrgContext): Promise<SimResponse> => {
    const version = readVersion(req, ctx, WRITE);
    if (isResponse(version)) return version;
    const badType = requirePatchBody(req);
    if (badType) return badType;
    const project = projectOf(state, ctx.org, req.params.project ?? "");
    if (isResponse(project)) return project;
    const requested = (req.params.id ?? "").slice(1);
    const type = canonicalType(project.process, requested);
    if (!type) return typeNotFound(requested, project);
    const patch = readWorkItemPatch(state, ctx.org, project, type, req.json, undefined);
    if (!patch.ok) return patch.response;
    if (patch.values["System.Title"] === undefined || patch.values["System.Title"] === null) {
      return vssError(400, "TF401320: Rule Error for field Title. Error code: Required, InvalidEmpty.", "RuleValidationException");
    }
    const item = createWorkItem(state, ctx.org, project, type, patch.values, ctx.caller.user.id, patch.relations);
    void deliveries.notify(ctx.org, item, item.updates[0]!);
    return { status: 200, body: workItemJson(state, base(), ctx.org, item, { asObjects: identitiesAsObjects(version), expand: patch.relations.length ? "relations" : undefined }) };
  };

  server.route("GET", "/:org/_apis/wit/workitems/:id", getItem);
  server.route("GET", "/:org/:project/_apis/wit/workitems/:id", getItem);
  server.route("GET", "/:org/_apis/wit/workitems", listItems);
  server.route("GET", "/:org/:project/_apis/wit/workitems", listItems);
  patchRoute(server, "/:org/_apis/wit/workitems/:id", orgRoute(server, state, (req, ctx) => ((req.params.id ?? "").startsWith("$") ? notFound(req.params.id ?? "") : update(req, ctx))));
  // `{project}/_apis/wit/workitems/${type}` creates (Azure takes POST, and PATCH as in the 4.x docs); a numeric id updates.
  const projectScoped = orgRoute(server, state, (req, ctx) => ((req.params.id ?? "").startsWith("$") ? create(req, ctx) : update(req, ctx)));
  patchRoute(server, "/:org/:project/_apis/wit/workitems/:id", projectScoped, projectScoped);

  const updates = orgRoute(server, state, (req, ctx) => {
    const version = readVersion(req, ctx, READ);
    if (isResponse(version)) return version;
    const item = findItem(ctx, req.params.id ?? "", req.params.project);
    if (isResponse(item)) return item;
    const asObjects = identitiesAsObjects(version);
    const itemBase = `${orgBaseUrl(base(), ctx.org)}_apis/wit/workItems/${item.id}`;
    const value = item.updates.map((u) => {
      const fields: Record<string, unknown> = {};
      for (const [name, change] of Object.entries(u.fields)) {
        const rendered: Record<string, unknown> = {};
        if (change.oldValue !== undefined) rendered.oldValue = renderValue(state, base(), ctx.org, name, change.oldValue, asObjects);
        if (change.newValue !== undefined) rendered.newValue = renderValue(state, base(), ctx.org, name, change.newValue, asObjects);
        fields[name] = rendered;
      }
      const by = state.users.get(u.revisedBy);
      return { id: u.id, workItemId: item.id, rev: u.rev, revisedBy: by ? renderValue(state, base(), ctx.org, "System.ChangedBy", by.id, true) : null, revisedDate: u.revisedDate, fields, url: `${itemBase}/updates/${u.id}` };
    });
    return { status: 200, body: { count: value.length, value } };
  });
  server.route("GET", "/:org/_apis/wit/workitems/:id/updates", updates);
  server.route("GET", "/:org/:project/_apis/wit/workitems/:id/updates", updates);

  const wiql = orgRoute(server, state, (req, ctx) => {
    const version = readVersion(req, ctx, READ);
    if (isResponse(version)) return version;
    let contextProject: AzureProject | undefined;
    if (req.params.project) {
      const project = projectOf(state, ctx.org, req.params.project);
      if (isResponse(project)) return project;
      contextProject = project;
    }
    const query = (req.json as { query?: unknown } | undefined)?.query;
    if (typeof query !== "string" || !query.trim()) return vssError(400, "Value cannot be null.\r\nParameter name: wiql", "ArgumentNullException");
    return runWiql(state, base(), ctx, query, contextProject, req.url.searchParams.get("$top"));
  });
  server.route("POST", "/:org/_apis/wit/wiql", wiql);
  server.route("POST", "/:org/:project/_apis/wit/wiql", wiql);

  server.route("GET", "/:org/:project/_apis/wit/workitemtypes/:type/states", orgRoute(server, state, (req, ctx) => {
    // Azure serves type states only as a preview resource; Sentry asks with `-preview.1`.
    const version = readVersion(req, ctx, READ, { previewOnly: true });
    if (isResponse(version)) return version;
    const project = projectOf(state, ctx.org, req.params.project ?? "");
    if (isResponse(project)) return project;
    const type = canonicalType(project.process, req.params.type ?? "");
    if (!type) return typeNotFound(req.params.type ?? "", project);
    const value = statesOf(project, type).map((s) => ({ name: s.name, color: s.color, category: s.category }));
    return { status: 200, body: { count: value.length, value } };
  }));

  server.route("GET", "/:org/:project/_apis/wit/workitemtypes", orgRoute(server, state, (req, ctx) => {
    const version = readVersion(req, ctx, READ);
    if (isResponse(version)) return version;
    const project = projectOf(state, ctx.org, req.params.project ?? "");
    if (isResponse(project)) return project;
    const typesBase = `${orgBaseUrl(base(), ctx.org)}${project.id}/_apis/wit/workItemTypes`;
    const value = workItemTypes(project.process).map((name) => ({
      name,
      referenceName: `Microsoft.VSTS.WorkItemTypes.${name.replace(/\s+/g, "")}`,
      description: "",
      isDisabled: false,
      states: statesOf(project, name),
      url: `${typesBase}/${encodeURIComponent(name)}`,
    }));
    return { status: 200, body: { count: value.length, value } };
  }));

  server.route("GET", "/:org/:project/_apis/wit/workitemtypecategories", orgRoute(server, state, (req, ctx) => {
    const version = readVersion(req, ctx, READ);
    if (isResponse(version)) return version;
    const project = projectOf(state, ctx.org, req.params.project ?? "");
    if (isResponse(project)) return project;
    const orgBase = orgBaseUrl(base(), ctx.org);
    const value = workItemTypeCategories(project.process).map(([referenceName, name, types]) => ({
      name,
      referenceName,
      defaultWorkItemType: { name: types[0], url: `${orgBase}${project.id}/_apis/wit/workItemTypes/${encodeURIComponent(types[0] ?? "")}` },
      workItemTypes: types.map((t) => ({ name: t, url: `${orgBase}${project.id}/_apis/wit/workItemTypes/${encodeURIComponent(t)}` })),
      url: `${orgBase}${project.id}/_apis/wit/workItemTypeCategories/${referenceName}`,
    }));
    return { status: 200, body: { count: value.length, value } };
  }));
}

/** Runs a WIQL query over the organization's work items (`@project` is the route's project, `@me` the caller). */
function runWiql(state: AzureState, baseUrl: string, ctx: OrgContext, query: string, project: AzureProject | undefined, topText: string | null): SimResponse {
  let parsed;
  try {
    parsed = parseWiql(query, canonicalField);
  } catch (error) {
    if (error instanceof WiqlError) return vssError(400, error.message, "WorkItemTrackingQueryException");
    throw error;
  }
  const orgBase = orgBaseUrl(baseUrl, ctx.org);
  const textsOf = (item: WorkItem, field: string): { texts: string[]; number: number | undefined } | undefined => {
    const value = field === "System.Id" ? item.id : item.fields[field];
    if (value === undefined || value === null) return undefined;
    if (IDENTITY_FIELDS.has(field) && typeof value === "string") {
      const user = state.users.get(value);
      if (!user) return { texts: [value.toLowerCase()], number: undefined };
      return { texts: [user.email, user.displayName, `${user.displayName} <${user.email}>`, user.id].map((t) => t.toLowerCase()), number: undefined };
    }
    return { texts: [String(value).toLowerCase()], number: typeof value === "number" ? value : undefined };
  };
  let matches: WorkItem[];
  try {
    matches = [...ctx.org.workItems.values()].filter((item) =>
      evaluateWiql(parsed.where, {
        valueOf: (field) => textsOf(item, field),
        macro: (name) => (name === "@project" ? project?.name : name === "@me" ? ctx.caller.user.email : name === "@today" ? new Date(state.clock.now()).toISOString().slice(0, 10) : undefined),
      }),
    );
  } catch (error) {
    if (error instanceof WiqlError) return vssError(400, error.message, "WorkItemTrackingQueryException");
    throw error;
  }
  const order = parsed.orderBy.length ? parsed.orderBy : [{ field: "System.Id", descending: false }];
  matches.sort((a, b) => {
    for (const { field, descending } of order) {
      const x = field === "System.Id" ? a.id : a.fields[field];
      const y = field === "System.Id" ? b.id : b.fields[field];
      const diff = typeof x === "number" && typeof y === "number" ? x - y : String(x ?? "").localeCompare(String(y ?? ""));
      if (diff) return descending ? -diff : diff;
    }
    return a.id - b.id;
  });
  const top = topText ? Number(topText) : undefined;
  if (top !== undefined && Number.isInteger(top) && top >= 0) matches = matches.slice(0, top);
  const column = (ref: string) => ({ referenceName: ref, name: ref.split(".").pop(), url: `${orgBase}_apis/wit/fields/${ref}` });
  return {
    status: 200,
    body: {
      queryType: "flat",
      queryResultType: "workItem",
      asOf: new Date(state.clock.now()).toISOString(),
      columns: parsed.fields.map(column),
      sortColumns: parsed.orderBy.map((o) => ({ field: column(o.field), descending: o.descending })),
      workItems: matches.map((item) => ({ id: item.id, url: `${orgBase}_apis/wit/workItems/${item.id}` })),
    },
  };
}
