import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAzureDevopsSimulator } from "../../../simulators/azure-devops/index.js";
import { restHeaders, type AzureSim } from "./helpers.js";

interface WorkItemBody {
  id: number;
  rev: number;
  fields: Record<string, unknown>;
  url: string;
}

describe("Azure DevOps simulator: work items, WIQL and type states (provider-contracts §2.2)", () => {
  let sim: AzureSim;
  let token: string;
  const instance = () => `${sim.url}/fabrikam/`;

  beforeAll(async () => {
    sim = await startAzureDevopsSimulator();
  });
  afterAll(() => sim.stop());
  beforeEach(() => {
    sim.server.reset();
    sim.control.addUser("grace@example.com", "Grace Hopper");
    sim.control.addMember("fabrikam", "grace@example.com");
    token = sim.control.issueTokens({ email: "ada@example.com" }).accessToken;
  });

  const patch = (path: string, ops: unknown, version = "4.1", method = "PATCH") =>
    fetch(`${instance()}${path}`, { method, headers: restHeaders(token, "PATCH", version), body: JSON.stringify(ops) });
  const create = async (title: string, type = "Bug"): Promise<WorkItemBody> => {
    const response = await patch(`Fabrikam-Fiber/_apis/wit/workitems/$${type}`, [
      { op: "add", path: "/fields/System.Title", value: title },
      { op: "add", path: "/fields/System.Description", value: "<p>details</p>" },
    ]);
    expect(response.status).toBe(200);
    return (await response.json()) as WorkItemBody;
  };
  const get = async (id: number, version = "4.1"): Promise<WorkItemBody> =>
    (await (await fetch(`${instance()}_apis/wit/workitems/${id}`, { headers: restHeaders(token, "GET", version) })).json()) as WorkItemBody;

  it("creates a work item from a JSON Patch document (PATCH as Sentry sends it, or POST) at rev 1 with Azure's defaults (§2.2)", async () => {
    const item = await create("Crash on save");
    expect(item.rev).toBe(1);
    expect(item.fields).toMatchObject({
      "System.Title": "Crash on save",
      "System.WorkItemType": "Bug",
      "System.State": "New",
      "System.TeamProject": "Fabrikam-Fiber",
      "System.AreaPath": "Fabrikam-Fiber",
      "System.CreatedBy": "Ada Lovelace <ada@example.com>",
    });
    expect(item.url).toBe(`${instance()}_apis/wit/workItems/${item.id}`);
    const posted = await fetch(`${instance()}Fabrikam-Fiber/_apis/wit/workitems/$Task?api-version=7.1`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json-patch+json" },
      body: JSON.stringify([{ op: "add", path: "/fields/System.Title", value: "Follow up" }]),
    });
    expect(posted.status).toBe(200);
    expect(((await posted.json()) as WorkItemBody).id).toBe(item.id + 1);
  });

  it("requires Content-Type application/json-patch+json on work item writes: 415 otherwise (§2.2)", async () => {
    const response = await fetch(`${instance()}Fabrikam-Fiber/_apis/wit/workitems/$Bug?api-version=4.1`, {
      method: "PATCH",
      headers: { ...restHeaders(token, "PATCH"), "content-type": "application/json" },
      body: JSON.stringify([{ op: "add", path: "/fields/System.Title", value: "x" }]),
    });
    expect(response.status).toBe(415);
    expect(((await response.json()) as { typeKey: string }).typeKey).toBe("VssRequestContentTypeNotSupportedException");
  });

  it("refuses a work item without a title, an unknown field, an unknown type and an empty patch document (§2.2)", async () => {
    const noTitle = await patch("Fabrikam-Fiber/_apis/wit/workitems/$Bug", [{ op: "add", path: "/fields/System.Description", value: "x" }]);
    expect(noTitle.status).toBe(400);
    expect(((await noTitle.json()) as { message: string }).message).toBe("TF401320: Rule Error for field Title. Error code: Required, InvalidEmpty.");
    const unknownField = await patch("Fabrikam-Fiber/_apis/wit/workitems/$Bug", [{ op: "add", path: "/fields/Custom.Nope", value: "x" }]);
    expect(((await unknownField.json()) as { message: string }).message).toBe("TF51535: Cannot find field Custom.Nope.");
    expect((await patch("Fabrikam-Fiber/_apis/wit/workitems/$Gizmo", [{ op: "add", path: "/fields/System.Title", value: "x" }])).status).toBe(404);
    expect((await patch("Fabrikam-Fiber/_apis/wit/workitems/$Bug", [])).status).toBe(400);
  });

  it("increments rev on every change, not on a patch that changes nothing (§2.2)", async () => {
    const item = await create("Crash");
    const assign = await patch(`_apis/wit/workitems/${item.id}`, [{ op: "replace", path: "/fields/System.AssignedTo", value: "grace@example.com" }]);
    expect(((await assign.json()) as WorkItemBody).rev).toBe(2);
    const resolve = await patch(`_apis/wit/workitems/${item.id}`, [{ op: "replace", path: "/fields/System.State", value: "Resolved" }]);
    const resolved = (await resolve.json()) as WorkItemBody;
    expect(resolved.rev).toBe(3);
    expect(resolved.fields["System.State"]).toBe("Resolved");
    const same = await patch(`_apis/wit/workitems/${item.id}`, [{ op: "replace", path: "/fields/System.State", value: "Resolved" }]);
    expect(((await same.json()) as WorkItemBody).rev).toBe(3);
  });

  it("shows AssignedTo as an IdentityRef object from api-version 5.0 and as 'Name <email>' before (§2.2)", async () => {
    const item = await create("Crash");
    await patch(`_apis/wit/workitems/${item.id}`, [{ op: "replace", path: "/fields/System.AssignedTo", value: "grace@example.com" }]);
    const modern = await get(item.id, "7.1");
    expect(modern.fields["System.AssignedTo"]).toMatchObject({ displayName: "Grace Hopper", uniqueName: "grace@example.com", descriptor: expect.stringMatching(/^aad\./) as unknown });
    expect((modern.fields["System.AssignedTo"] as { id: string }).id).toMatch(/^[0-9a-f-]{36}$/);
    const legacy = await get(item.id, "4.1");
    expect(legacy.fields["System.AssignedTo"]).toBe("Grace Hopper <grace@example.com>");
  });

  it("unassigns with a remove op, and refuses an unknown identity or a state the type does not have (§2.2)", async () => {
    const item = await create("Crash");
    await patch(`_apis/wit/workitems/${item.id}`, [{ op: "replace", path: "/fields/System.AssignedTo", value: "Grace Hopper <grace@example.com>" }]);
    const removed = (await (await patch(`_apis/wit/workitems/${item.id}`, [{ op: "remove", path: "/fields/System.AssignedTo" }])).json()) as WorkItemBody;
    expect(removed.fields).not.toHaveProperty("System.AssignedTo");
    const stranger = await patch(`_apis/wit/workitems/${item.id}`, [{ op: "replace", path: "/fields/System.AssignedTo", value: "nobody@example.com" }]);
    expect(stranger.status).toBe(400);
    expect(((await stranger.json()) as { message: string }).message).toBe("The identity value 'nobody@example.com' for field 'Assigned To' is an unknown identity.");
    const badState = await patch(`_apis/wit/workitems/${item.id}`, [{ op: "replace", path: "/fields/System.State", value: "Done" }]);
    expect(badState.status).toBe(400);
    expect(((await badState.json()) as { message: string }).message).toMatch(/^TF401320: Rule Error for field State\./);
    // Assign and unassign made revisions 2 and 3; the refused patches made none.
    expect((await get(item.id)).rev).toBe(3);
  });

  it("honours X-HTTP-Method-Override: PATCH on a POST, and a failing test op on /rev (§2.2)", async () => {
    const item = await create("Crash");
    const overridden = await fetch(`${instance()}_apis/wit/workitems/${item.id}?api-version=4.1`, {
      method: "POST",
      headers: { ...restHeaders(token, "PATCH"), "x-http-method-override": "PATCH" },
      body: JSON.stringify([{ op: "replace", path: "/fields/System.Title", value: "Crash on save" }]),
    });
    expect(overridden.status).toBe(200);
    expect(((await overridden.json()) as WorkItemBody).fields["System.Title"]).toBe("Crash on save");
    const stale = await patch(`_apis/wit/workitems/${item.id}`, [
      { op: "test", path: "/rev", value: 1 },
      { op: "replace", path: "/fields/System.Title", value: "Lost update" },
    ]);
    expect(stale.status).toBe(400);
    expect((await get(item.id)).fields["System.Title"]).toBe("Crash on save");
  });

  it("answers an unknown work item with TF401232 404 (§2.2)", async () => {
    const response = await fetch(`${instance()}_apis/wit/workitems/999`, { headers: restHeaders(token) });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { message: string }).message).toBe("TF401232: Work item 999 does not exist, or you do not have permissions to read it.");
  });

  it("lists a work item's updates with only the changed fields in each (§2.2, §2.5)", async () => {
    const item = await create("Crash");
    await patch(`_apis/wit/workitems/${item.id}`, [{ op: "replace", path: "/fields/System.AssignedTo", value: "grace@example.com" }]);
    const updates = (await (await fetch(`${instance()}_apis/wit/workitems/${item.id}/updates`, { headers: restHeaders(token, "GET", "7.1") })).json()) as {
      value: Array<{ rev: number; fields: Record<string, { oldValue?: unknown; newValue?: unknown }> }>;
    };
    expect(updates.value.map((u) => u.rev)).toEqual([1, 2]);
    const second = updates.value[1]!;
    expect(second.fields["System.AssignedTo"]?.newValue).toMatchObject({ uniqueName: "grace@example.com" });
    expect(second.fields["System.Rev"]).toEqual({ oldValue: 1, newValue: 2 });
    expect(second.fields).not.toHaveProperty("System.Title");
  });

  it("lists type states with their categories, and a customised state list when configured (§2.2, sentry-behaviour §4.4)", async () => {
    const url = `${instance()}Fabrikam-Fiber/_apis/wit/workitemtypes/Bug/states`;
    const states = (await (await fetch(url, { headers: restHeaders(token, "GET", "4.1-preview.1") })).json()) as { count: number; value: Array<{ name: string; category: string }> };
    expect(states.value.map((s) => [s.name, s.category])).toEqual([
      ["New", "Proposed"],
      ["Active", "InProgress"],
      ["Resolved", "Resolved"],
      ["Closed", "Completed"],
    ]);
    const story = (await (await fetch(url.replace("/Bug/", "/User%20Story/"), { headers: restHeaders(token, "GET", "4.1-preview.1") })).json()) as { value: Array<{ category: string }> };
    expect(story.value.map((s) => s.category)).toContain("Removed");
    sim.control.setWorkItemTypeStates("fabrikam", "Fabrikam-Fiber", "Bug", [
      { name: "Triage", color: "b2b2b2", category: "Proposed" },
      { name: "Fixed", color: "339933", category: "Completed" },
    ]);
    const custom = (await (await fetch(url, { headers: restHeaders(token, "GET", "4.1-preview.1") })).json()) as { count: number };
    expect(custom.count).toBe(2);
    const unknown = await fetch(url.replace("/Bug/", "/Gizmo/"), { headers: restHeaders(token, "GET", "4.1-preview.1") });
    expect(unknown.status).toBe(404);
  });

  it("lists work item type categories the way Sentry reads them (§2.2)", async () => {
    const body = (await (await fetch(`${instance()}Fabrikam-Fiber/_apis/wit/workitemtypecategories`, { headers: restHeaders(token) })).json()) as {
      value: Array<{ referenceName: string; workItemTypes: Array<{ name: string; url: string }> }>;
    };
    const bug = body.value.find((c) => c.referenceName === "Microsoft.BugCategory");
    expect(bug?.workItemTypes[0]?.url.split("/").pop()).toBe("Bug");
  });

  describe("WIQL (§2.2)", () => {
    const wiql = (query: string, project = "Fabrikam-Fiber/") =>
      fetch(`${instance()}${project}_apis/wit/wiql`, { method: "POST", headers: restHeaders(token, "POST"), body: JSON.stringify({ query }) });
    const ids = async (query: string, project?: string) => ((await (await wiql(query, project)).json()) as { workItems: Array<{ id: number }> }).workItems.map((w) => w.id);

    beforeEach(async () => {
      sim.control.addProject("fabrikam", "Other");
      await create("Crash on save");
      await create("Slow startup");
      await sim.control.createWorkItem({ org: "fabrikam", project: "Other", title: "Crash in other project" });
    });

    it("finds by Title CONTAINS (case-insensitive), [System.Id] = and TeamProject = @project", async () => {
      expect(await ids("SELECT [System.Id] FROM WorkItems WHERE [System.Title] CONTAINS 'crash'")).toEqual([1, 3]);
      expect(await ids("SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND [System.Title] CONTAINS 'crash'")).toEqual([1]);
      expect(await ids("SELECT [System.Id] FROM WorkItems WHERE [System.Id] = 2")).toEqual([2]);
      expect(await ids("SELECT [System.Id], [System.Title] FROM WorkItems WHERE [System.TeamProject] = 'other'")).toEqual([3]);
    });

    it("supports OR, parentheses, IN, AssignedTo by e-mail and ORDER BY ... DESC", async () => {
      await sim.control.assignWorkItem(2, "grace@example.com");
      expect(await ids("SELECT [System.Id] FROM WorkItems WHERE ([System.Id] = 1 OR [System.Id] = 3) ORDER BY [System.Id] DESC")).toEqual([3, 1]);
      expect(await ids("SELECT [System.Id] FROM WorkItems WHERE [System.AssignedTo] = 'grace@example.com'")).toEqual([2]);
      expect(await ids("SELECT [System.Id] FROM WorkItems WHERE [System.State] IN ('New', 'Active') AND [System.TeamProject] = @project")).toEqual([1, 2]);
    });

    it("answers a reference to a field that does not exist, and a syntax error, with 400", async () => {
      const unknown = await wiql("SELECT [System.Id] FROM WorkItems WHERE [Custom.Nope] = 1");
      expect(unknown.status).toBe(400);
      expect(((await unknown.json()) as { message: string }).message).toMatch(/^TF51005: /);
      expect((await wiql("SELECT [System.Id] WorkItems")).status).toBe(400);
    });

    it("has no @project at organization level", async () => {
      expect((await wiql("SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project", "")).status).toBe(400);
    });
  });
});
