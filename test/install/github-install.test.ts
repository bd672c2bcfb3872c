import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GithubControl } from "../../simulators/github/control.js";
import { startGithubSimulator } from "../../simulators/github/index.js";
import type { StartedSimulator } from "../../simulators/shared/types.js";
import { handleInstallationEvent } from "../../src/webhooks/github/handle-installation.js";
import { apiClient, organizationWithToken } from "../helpers/api-client.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { storeMode } from "../helpers/test-store.js";

describe(`GitHub App install flow over the simulator (${storeMode})`, () => {
  let sim: StartedSimulator<GithubControl>;
  let t: TestApp;
  let org: { id: number; slug: string; token: string };
  let other: { id: number; slug: string; token: string };

  const start = async (o = org) => {
    const res = await apiClient(t.url, o.token)("POST", `/api/0/organizations/${o.slug}/integrations/github/install/`, {});
    expect(res.status).toBe(201);
    return res.body.url as string;
  };
  const stateOf = (url: string) => new URL(url).searchParams.get("state") as string;
  const callback = (state: string, installationId: number | string, action = "install") =>
    fetch(`${t.url}/extensions/github/setup/?installation_id=${installationId}&setup_action=${action}&state=${encodeURIComponent(state)}`, { redirect: "manual" });
  const installationsOf = (organizationId: number) =>
    t.app.store.db
      .selectFrom("organization_integrations as oi")
      .innerJoin("integrations as i", "i.id", "oi.integration_id")
      .select(["i.external_id", "i.name", "oi.status", "i.id"])
      .where("oi.organization_id", "=", organizationId)
      .where("i.provider", "=", "github")
      .execute();

  beforeAll(async () => {
    sim = await startGithubSimulator();
    t = await startTestApp({ env: { GITHUB_APP_ID: sim.credentials.GITHUB_APP_ID as string, GITHUB_APP_PRIVATE_KEY: sim.credentials.GITHUB_APP_PRIVATE_KEY as string, GITHUB_API_URL: sim.url } });
    org = await organizationWithToken(t.app, "acme");
    other = await organizationWithToken(t.app, "globex");
  });

  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  it("sends the browser to the app's install page with the signed state, then creates the integration and the organization's installation from the setup callback", async () => {
    const url = await start();
    expect(url.startsWith(`${t.url}/extensions/github/setup/?state=`)).toBe(true);
    const first = await fetch(url, { redirect: "manual" });
    expect(first.status).toBe(302);
    const installPage = new URL(first.headers.get("location") as string);
    expect(installPage.origin + installPage.pathname).toMatch(new RegExp(`^${sim.url}/apps/[^/]+/installations/new$`));
    expect(installPage.searchParams.get("state")).toBe(stateOf(url));

    // The person installs the app on GitHub; GitHub sends the browser back to the setup URL.
    const installationId = await sim.control.createInstallation("acme-gh", { notify: false });
    const back = await callback(stateOf(url), installationId);
    expect(back.status).toBe(200);
    expect(back.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await back.text()).toContain("acme-gh");
    expect(await installationsOf(org.id)).toEqual([expect.objectContaining({ external_id: String(installationId), name: "acme-gh", status: "active" })]);
    const verified = sim.server.requests.filter((r) => r.method === "GET" && r.path === `/app/installations/${installationId}`);
    expect(verified).toHaveLength(1);
  });

  it("refuses a replayed state (single use) without touching GitHub", async () => {
    const url = await start();
    const installationId = await sim.control.createInstallation("replay-gh", { notify: false });
    expect((await callback(stateOf(url), installationId)).status).toBe(200);
    const before = sim.server.requests.length;
    const again = await callback(stateOf(url), installationId);
    expect(again.status).toBe(400);
    expect(again.headers.get("x-error-code")).toBe("install_state_used");
    expect(sim.server.requests.length).toBe(before);
  });

  it("refuses a forged or altered state and a state made for another provider", async () => {
    const installationId = await sim.control.createInstallation("forged-gh", { notify: false });
    const url = await start();
    const [body, signature] = stateOf(url).split(".") as [string, string];
    const payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Record<string, unknown>;
    const altered = `${Buffer.from(JSON.stringify({ ...payload, o: other.id })).toString("base64url")}.${signature}`;
    for (const state of [altered, "not-a-state", `${body}.${"A".repeat(43)}`]) {
      const res = await callback(state, installationId);
      expect(res.status).toBe(400);
      expect(res.headers.get("x-error-code")).toBe("install_state_invalid");
    }
    const vsts = await apiClient(t.url, org.token)("POST", `/api/0/organizations/${org.slug}/integrations/vsts/install/`, {});
    const foreign = await callback(stateOf(vsts.body.url), installationId);
    expect(foreign.headers.get("x-error-code")).toBe("install_state_invalid");
    expect(await installationsOf(other.id)).toEqual([]);
  });

  it("refuses an installation id the app does not own (404 at GitHub)", async () => {
    const res = await callback(stateOf(await start()), 987654321);
    expect(res.status).toBe(400);
    expect(res.headers.get("x-error-code")).toBe("github_installation_not_found");
  });

  it("is idempotent with the installation.created webhook that created the integration first", async () => {
    const installationId = await sim.control.createInstallation("hooked-gh", { notify: false });
    await handleInstallationEvent(t.app, { action: "created", installation: { id: installationId, account: { login: "hooked-gh", id: 5, type: "Organization" } }, sender: { id: 9, login: "octo" } });
    expect((await callback(stateOf(await start()), installationId)).status).toBe(200);
    const rows = await t.app.store.db.selectFrom("integrations").selectAll().where("provider", "=", "github").where("external_id", "=", String(installationId)).execute();
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0]?.metadata as string)).toMatchObject({ sender: { login: "octo" }, account_type: "Organization" });
    expect(await installationsOf(org.id)).toContainEqual(expect.objectContaining({ external_id: String(installationId), status: "active" }));
  });

  it("refuses an installation already connected to another organization", async () => {
    const installationId = await sim.control.createInstallation("taken-gh", { notify: false });
    expect((await callback(stateOf(await start()), installationId)).status).toBe(200);
    const res = await callback(stateOf(await start(other)), installationId);
    expect(res.status).toBe(409);
    expect(res.headers.get("x-error-code")).toBe("github_installation_taken");
  });

  it("refuses to start a flow for an organization the token does not belong to", async () => {
    const res = await apiClient(t.url, org.token)("POST", `/api/0/organizations/${other.slug}/integrations/github/install/`, {});
    expect(res.status).toBe(404);
  });
});
