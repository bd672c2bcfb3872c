import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../src/store/api-tokens.js";
import { findGroupAssignee } from "../../src/store/group-assignees.js";
import { syncGroupAssigneeInbound } from "../../src/sync/inbound/sync-group-assignee-inbound.js";
import { syncContext } from "../../src/sync/sync-context.js";
import {
  addProjectTeam,
  createGroup,
  createIntegration,
  createMember,
  createOrganization,
  createProject,
  createTeam,
  linkGroup,
} from "../helpers/fixtures.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { storeMode } from "../helpers/test-store.js";

describe(`external users and teams API (§10; ${storeMode})`, () => {
  let t: TestApp;
  let token: string;
  let org: { id: number; slug: string };
  let integration: { id: number };
  let member: { id: number };
  let team: { id: number };

  beforeAll(async () => {
    t = await startTestApp();
    const db = t.app.store.db;
    org = await createOrganization(db, "mapping-org");
    integration = await createIntegration(db, org.id, { provider: "github", config: { sync_reverse_assignment: true } });
    team = await createTeam(db, org.id);
    member = await createMember(db, org.id, { teams: [team.id] });
    token = (await createApiToken(db, org.id, "t", new Date().toISOString())).token;
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (path: string, body: unknown, tok = token) =>
    fetch(`${t.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${tok}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  const users = `/api/0/organizations/mapping-org/external-users/`;
  const valid = () => ({ externalName: "@octocat", provider: "github", integrationId: String(integration.id), userId: String(member.id) });

  it("creates an association with 201 and answers an identical one with 200 and the same id", async () => {
    const first = await post(users, valid());
    expect(first.status).toBe(201);
    const created = (await first.json()) as { id: string };
    expect(created).toMatchObject({ externalName: "@octocat", provider: "github", userId: String(member.id), integrationId: String(integration.id) });
    const again = await post(users, valid());
    expect(again.status).toBe(200);
    expect(((await again.json()) as { id: string }).id).toBe(created.id);
  });

  it("says which fields are required", async () => {
    const response = await post(users, {});
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      provider: ["This field is required."],
      externalName: ["This field is required."],
      integrationId: ["This field is required."],
      userId: ["This field is required."],
    });
  });

  it("refuses an unknown provider with Sentry's message", async () => {
    const response = await post(users, { ...valid(), provider: "unknown" });
    expect(await response.json()).toEqual({ provider: ['"unknown" is not a valid choice.'] });
  });

  it("requires '@' and no special characters for GitHub names", async () => {
    for (const name of ["octocat", "@octo cat", "@octo!"]) {
      const response = await post(users, { ...valid(), externalName: name });
      expect(response.status, name).toBe(400);
      expect(await response.json()).toEqual({ externalName: ["External Name must start with '@' and can't contain special characters or spaces."] });
    }
  });

  it("checks lengths of the name and the external id", async () => {
    const long = await post(users, { ...valid(), provider: "custom", externalName: "n".repeat(256) });
    expect(await long.json()).toEqual({ externalName: ["External Name has invalid length: 256. Length must be between 1 and 255"] });
    const id = await post(users, { ...valid(), externalId: "i".repeat(65) });
    expect(await id.json()).toEqual({ externalId: ["external_id has invalid length: 65. Length must be between 1 and 64"] });
  });

  it("refuses an integration, member or team of another organization", async () => {
    const other = await createOrganization(t.app.store.db);
    const otherIntegration = await createIntegration(t.app.store.db, other.id, { provider: "github" });
    const outsider = await createMember(t.app.store.db, other.id);
    const otherTeam = await createTeam(t.app.store.db, other.id);
    expect(await (await post(users, { ...valid(), integrationId: String(otherIntegration.id) })).json()).toEqual({
      integrationId: ["Integration does not exist for this organization"],
    });
    expect(await (await post(users, { ...valid(), userId: String(outsider.id) })).json()).toEqual({ userId: ["This member does not exist."] });
    const teams = `/api/0/organizations/mapping-org/external-teams/`;
    const teamBody = { externalName: "@acme/core", provider: "github", integrationId: String(integration.id), teamId: String(otherTeam.id) };
    expect(await (await post(teams, teamBody)).json()).toEqual({ teamId: ["This team does not exist."] });
    const ok = await post(teams, { ...teamBody, teamId: String(team.id) });
    expect(ok.status).toBe(201);
  });

  it("refuses an update that would duplicate another association", async () => {
    const a = (await (await post(users, { ...valid(), externalName: "@first" })).json()) as { id: string };
    await post(users, { ...valid(), externalName: "@second" });
    const response = await fetch(`${t.url}${users}${a.id}/`, {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ ...valid(), externalName: "@second" }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ non_field_errors: ["There already exists an external association with this external_name and provider."] });
  });

  it("deletes with 204 and hides other organizations' associations", async () => {
    const a = (await (await post(users, { ...valid(), externalName: "@gone" })).json()) as { id: string };
    const del = () => fetch(`${t.url}${users}${a.id}/`, { method: "DELETE", headers: { authorization: `Bearer ${token}` } });
    expect((await del()).status).toBe(204);
    expect((await del()).status).toBe(404);
    expect((await fetch(`${t.url}/api/0/organizations/someone-else/external-users/`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
  });

  it("answers 403 when the organization turned codeowners integrations off", async () => {
    const off = await createOrganization(t.app.store.db, "off-org", { "integrations-codeowners": false });
    const offToken = (await createApiToken(t.app.store.db, off.id, "t", new Date().toISOString())).token;
    const response = await post(`/api/0/organizations/off-org/external-users/`, valid(), offToken);
    expect(response.status).toBe(403);
    expect(((await response.json()) as { detail: string }).detail).toBe("You do not have permission to perform this action.");
  });

  it("lists an unknown login as unresolved, and mapping it applies the waiting assignment", async () => {
    const db = t.app.store.db;
    const project = await createProject(db, org.id);
    await addProjectTeam(db, project.id, team.id);
    const group = await createGroup(db, project.id);
    await linkGroup(db, group, org.id, integration.id, "acme/web#7");
    await syncGroupAssigneeInbound(syncContext(t.app), { integrationId: integration.id, externalIssueKey: "acme/web#7", identity: { externalActor: "@newbie" }, ordering: null });
    const pending = (await (await fetch(`${t.url}/api/0/organizations/mapping-org/unresolved-identities/`, { headers: { authorization: `Bearer ${token}` } })).json()) as Array<{ value: string; kind: string }>;
    expect(pending).toEqual([expect.objectContaining({ kind: "external_actor", value: "@newbie", externalIssueKey: "acme/web#7" })]);
    expect((await post(users, { ...valid(), externalName: "@newbie" })).status).toBe(201);
    expect((await findGroupAssignee(db, group.id))?.user_id).toBe(member.id);
    const after = (await (await fetch(`${t.url}/api/0/organizations/mapping-org/unresolved-identities/`, { headers: { authorization: `Bearer ${token}` } })).json()) as unknown[];
    expect(after).toEqual([]);
  });
});
