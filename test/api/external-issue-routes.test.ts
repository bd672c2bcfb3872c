import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GithubControl } from "../../simulators/github/control.js";
import { startGithubSimulator } from "../../simulators/github/index.js";
import type { StartedSimulator } from "../../simulators/shared/types.js";
import { createApiToken } from "../../src/store/api-tokens.js";
import { createGroup, createIntegration, createOrganization, createProject } from "../helpers/fixtures.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { storeMode } from "../helpers/test-store.js";

const REPO = "acme/web";

describe(`linking issues to tickets over the GitHub simulator (§4; ${storeMode})`, () => {
  let sim: StartedSimulator<GithubControl>;
  let t: TestApp;
  let token: string;
  let otherToken: string;
  let integrationId: number;
  let group: { id: number; projectId: number };
  let existing: number;

  const call = (method: string, path: string, body?: unknown, as = token) =>
    fetch(`${t.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${as}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const base = () => `/api/0/issues/${group.id}/integrations/${integrationId}/`;

  beforeAll(async () => {
    sim = await startGithubSimulator();
    t = await startTestApp({
      env: {
        GITHUB_APP_ID: sim.credentials.GITHUB_APP_ID as string,
        GITHUB_APP_PRIVATE_KEY: sim.credentials.GITHUB_APP_PRIVATE_KEY as string,
        GITHUB_WEBHOOK_SECRET: sim.credentials.GITHUB_WEBHOOK_SECRET as string,
        GITHUB_API_URL: sim.url,
      },
    });
    const installationId = await sim.control.createInstallation("acme", { notify: false });
    sim.control.addRepository(installationId, REPO);
    existing = sim.control.createIssue(REPO, "Checkout fails with TypeError");
    sim.control.createIssue(REPO, "Unrelated flaky test");
    const db = t.app.store.db;
    const org = await createOrganization(db, "acme");
    const integration = await createIntegration(db, org.id, { provider: "github", externalId: String(installationId), config: { default_repo: REPO } });
    integrationId = integration.id;
    const project = await createProject(db, org.id, "web");
    group = await createGroup(db, project.id, { title: "TypeError: cannot read 'total'" });
    const now = new Date().toISOString();
    token = (await createApiToken(db, org.id, "links", now)).token;
    const other = await createOrganization(db, "globex");
    otherToken = (await createApiToken(db, other.id, "other", now)).token;
  });
  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  it("links an existing ticket after checking it exists, once, with a create_issue activity", async () => {
    const response = await call("POST", base(), { action: "link", externalIssue: `${REPO}#${existing}` });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ key: `${REPO}#${existing}`, title: "Checkout fails with TypeError", provider: "github", new: false });
    const again = await call("PUT", base(), { externalIssue: `${REPO}#${existing}` });
    expect(again.status).toBe(201);
    const list = (await (await call("GET", `/api/0/issues/${group.id}/external-issues/`)).json()) as Array<{ key: string; url: string | null }>;
    expect(list.map((l) => l.key)).toEqual([`${REPO}#${existing}`]);
    expect(list[0]?.url).toMatch(/^https?:\/\//);
    const activity = (await (await call("GET", `/api/0/issues/${group.id}/activities/`)).json()) as { activity: Array<{ type: string }> };
    expect(activity.activity.filter((a) => a.type === "create_issue")).toHaveLength(1);
  });

  it("refuses to link a ticket the provider does not have, naming the field", async () => {
    const response = await call("POST", base(), { action: "link", externalIssue: `${REPO}#9999` });
    expect(response.status).toBe(400);
    expect(response.headers.get("x-error-code")).toBe("external_issue_not_found");
    const body = (await response.json()) as { externalIssue?: string[] };
    expect(body.externalIssue?.[0]).toContain(`${REPO}#9999`);
  });

  it("refuses a malformed ticket key and an unknown action with 400", async () => {
    expect((await call("POST", base(), { action: "link", externalIssue: "not a key" })).status).toBe(400);
    expect((await call("POST", base(), { action: "explode" })).status).toBe(400);
  });

  it("creates a ticket from the issue (title, description linking back) in the default repository and links it", async () => {
    const before = sim.server.requests.filter((r) => r.method === "POST" && r.path === `/repos/${REPO}/issues`).length;
    const response = await call("POST", base(), { action: "create" });
    expect(response.status).toBe(201);
    const created = (await response.json()) as { key: string; new: boolean };
    expect(created.new).toBe(true);
    expect(sim.server.requests.filter((r) => r.method === "POST" && r.path === `/repos/${REPO}/issues`).length).toBe(before + 1);
    const number = Number(created.key.split("#")[1]);
    const issue = sim.control.issue(REPO, number);
    expect(issue.title).toBe("TypeError: cannot read 'total'");
    expect(issue.body).toContain(`/issues/${group.id}/`);
    const list = (await (await call("GET", `/api/0/issues/${group.id}/external-issues/`)).json()) as Array<{ key: string }>;
    expect(list.map((l) => l.key)).toContain(created.key);
  });

  it("searches the provider's tickets for the link form", async () => {
    const response = await call("GET", `${base()}?action=link&query=${encodeURIComponent("TypeError")}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { results: Array<{ key: string; title: string }> };
    expect(body.results.map((r) => r.key)).toContain(`${REPO}#${existing}`);
    expect(body.results.every((r) => r.title.includes("TypeError"))).toBe(true);
  });

  it("unlinks a ticket with 204, then answers 404 for the same unlink", async () => {
    const list = (await (await call("GET", `/api/0/issues/${group.id}/external-issues/`)).json()) as Array<{ id: string; key: string }>;
    const link = list.find((l) => l.key === `${REPO}#${existing}`)!;
    expect((await call("DELETE", `${base()}?externalIssue=${link.id}`)).status).toBe(204);
    expect((await call("DELETE", `${base()}?externalIssue=${link.id}`)).status).toBe(404);
    const after = (await (await call("GET", `/api/0/issues/${group.id}/external-issues/`)).json()) as Array<{ key: string }>;
    expect(after.map((l) => l.key)).not.toContain(`${REPO}#${existing}`);
  });

  it("shows another organization neither the issue nor the integration", async () => {
    expect((await call("POST", base(), { action: "link", externalIssue: `${REPO}#${existing}` }, otherToken)).status).toBe(404);
    expect((await call("GET", `/api/0/issues/${group.id}/external-issues/`, undefined, otherToken)).status).toBe(404);
  });

  it("answers 404 for an integration not installed on the organization", async () => {
    const elsewhere = await createOrganization(t.app.store.db, "initech");
    const stranger = await createIntegration(t.app.store.db, elsewhere.id, { provider: "github", externalId: "424242" });
    expect((await call("POST", `/api/0/issues/${group.id}/integrations/${stranger.id}/`, { action: "link", externalIssue: `${REPO}#${existing}` })).status).toBe(404);
  });
});
