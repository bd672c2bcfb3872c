import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { GithubControl } from "../../simulators/github/control.js";
import { startGithubSimulator } from "../../simulators/github/index.js";
import type { JiraServerControl } from "../../simulators/jira-server/control.js";
import { startOpsgenieSimulator, type OpsgenieControl } from "../../simulators/opsgenie/index.js";
import { INVALID_KEY_MESSAGE } from "../../src/alerts/validate-opsgenie-action.js";
import { createApiToken } from "../../src/store/api-tokens.js";
import { apiClient } from "../helpers/api-client.js";
import { startJiraServerSimulator } from "../../simulators/jira-server/index.js";
import type { StartedSimulator } from "../../simulators/shared/types.js";
import { findGroupAssignee } from "../../src/store/group-assignees.js";
import { createJiraServerIntegration } from "../helpers/jira-server-fixture.js";
import { addProjectTeam, createGroup, createMember, createOrganization, createProject, createTeam, installIntegration, linkGroup } from "../helpers/fixtures.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { storeMode } from "../helpers/test-store.js";
import { errorBeside, givePassword, launchChromium, logIn, screenshot } from "./dashboard-helpers.js";
import { until } from "../helpers/until.js";

const REPO = "acme/web";
const PASSWORD = "correct horse battery";


describe(`dashboard in Chromium against the real service and the GitHub simulator (${storeMode})`, () => {
  let sim: StartedSimulator<GithubControl>;
  let jiraSim: StartedSimulator<JiraServerControl>;
  let ogSim: StartedSimulator<OpsgenieControl>;
  let jira: Awaited<ReturnType<typeof createJiraServerIntegration>>;
  let orgId: number;
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let integrationId: number;
  let group: { id: number; projectId: number };
  let issueNumber: number;
  let ana: { id: number; email: string };
  let ben: { id: number; email: string };
  let carol: { id: number; email: string };

  const assigneeOf = async () => (await findGroupAssignee(t.app.store.db, group.id))?.user_id ?? null;

  beforeAll(async () => {
    sim = await startGithubSimulator();
    jiraSim = await startJiraServerSimulator();
    ogSim = await startOpsgenieSimulator({ port: 0 });
    t = await startTestApp({
      workers: true,
      env: {
        GITHUB_APP_ID: sim.credentials.GITHUB_APP_ID as string,
        GITHUB_APP_PRIVATE_KEY: sim.credentials.GITHUB_APP_PRIVATE_KEY as string,
        GITHUB_WEBHOOK_SECRET: sim.credentials.GITHUB_WEBHOOK_SECRET as string,
        GITHUB_API_URL: sim.url,
        OPSGENIE_API_URL: ogSim.url,
        OPSGENIE_EU_API_URL: `${ogSim.url}/eu`,
        OPSGENIE_TIMEOUT_MS: "500",
      },
    });
    sim.control.setWebhookUrl(`${t.url}/extensions/github/webhook/`);
    const db = t.app.store.db;
    const installationId = await sim.control.createInstallation("acme");
    const integration = await until(
      () => db.selectFrom("integrations").select("id").where("provider", "=", "github").where("external_id", "=", String(installationId)).executeTakeFirst(),
      (row) => row !== undefined,
    );
    integrationId = integration!.id;
    sim.control.addRepository(installationId, REPO);
    for (const login of ["ana-gh", "ben-gh", "carol-gh"]) sim.control.addUser(login);
    issueNumber = sim.control.createIssue(REPO, "TypeError in checkout");

    const org = await createOrganization(db, "acme");
    orgId = org.id;
    await installIntegration(db, org.id, integrationId, { sync_forward_assignment: true, sync_reverse_assignment: true, sync_status_forward: true, sync_status_reverse: true });
    // A Jira Server integration whose OAuth token the simulator will revoke (the needs_reauth case).
    jira = await createJiraServerIntegration(t.app, jiraSim, { externalId: "jira-acme" });
    await installIntegration(db, org.id, jira.id, {});
    // Opsgenie accounts, added through their API: one whose team is valid, one with another team, one whose key Opsgenie refuses.
    const api = apiClient(t.url, (await createApiToken(db, org.id, "setup", new Date().toISOString())).token);
    const usKey = ogSim.credentials.OPSGENIE_INTEGRATION_KEY as string;
    for (const [name, team, teamId, key] of [
      ["acme-og", "Backend", ogSim.credentials.OPSGENIE_TEAM_ID, usKey],
      ["globex-og", "Ops", "ops-id", usKey],
      ["badkey-og", "Backend", ogSim.credentials.OPSGENIE_TEAM_ID, "5b9c8f8e-2222-4000-8000-000000000000"],
    ] as const) {
      const account = await api("POST", "/api/0/organizations/acme/integrations/opsgenie/", { name, apiKey: ogSim.control.addAccountApiKey() });
      expect(account.status).toBe(201);
      expect((await api("PUT", `/api/0/organizations/acme/integrations/opsgenie/${account.body.id}/teams/`, { teamTable: [{ team, team_id: teamId, integration_key: key }] })).status).toBe(200);
    }
    const project = await createProject(db, org.id, "web");
    const team = await createTeam(db, org.id, "checkout");
    await addProjectTeam(db, project.id, team.id);
    ana = await createMember(db, org.id, { username: "ana", email: "ana@example.com", teams: [team.id] });
    ben = await createMember(db, org.id, { username: "ben", email: "ben@example.com", teams: [team.id] });
    carol = await createMember(db, org.id, { username: "carol", email: "carol@example.com", teams: [team.id] });
    await givePassword(db, ana.id, PASSWORD);
    const now = new Date().toISOString();
    for (const [user, login] of [[ana, "@ana-gh"], [ben, "@ben-gh"]] as const) {
      await db.insertInto("external_actors").values({ organization_id: org.id, integration_id: integrationId, provider: "github", external_name: login, external_id: null, user_id: user.id, team_id: null, date_added: now }).execute();
    }
    group = await createGroup(db, project.id, { title: "TypeError: cart is undefined" });
    await linkGroup(db, group, org.id, integrationId, `${REPO}#${issueNumber}`);
    await createGroup(db, project.id, { title: "ReferenceError: session is not defined" });
    // An alert rule whose last send failed (its Opsgenie account is gone, so the action reads [removed]).
    await db
      .insertInto("alert_rules")
      .values({
        organization_id: org.id,
        project_id: project.id,
        label: "Page the checkout team",
        action_match: "any",
        conditions: JSON.stringify([{ id: "sentry.rules.conditions.first_seen_event.FirstSeenEventCondition" }]),
        actions: JSON.stringify([{ id: "sentry.integrations.opsgenie.notify_action.OpsgenieNotifyTeamAction", account: 1, team: "t1", priority: "P3" }]),
        status: "active",
        last_fired_at: now,
        last_error: "Opsgenie answered 422: alias too long",
        failure_count: 2,
        created_by: null,
        date_added: now,
        date_updated: now,
      })
      .execute();
    // A delivery whose processing failed, to be replayed from its page (a ping: processing it is a no-op).
    await db
      .insertInto("webhook_deliveries")
      .values({
        provider: "github",
        delivery_id: "failed-delivery-1",
        event: "ping",
        verified_by: "current",
        headers: JSON.stringify({ "x-github-event": "ping", "x-github-delivery": "failed-delivery-1" }),
        body: JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1 }),
        state: "failed",
        attempts: 1,
        last_error: "handler crashed: simulated failure",
        received_at: now,
        processed_at: null,
        integration_id: integrationId,
      })
      .execute();

    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await sim?.stop();
    await jiraSim?.stop();
    await ogSim?.stop();
  });

  it("refuses a wrong password with the same message as an unknown email", async () => {
    const messages: string[] = [];
    for (const [email, password] of [["ana@example.com", "wrong password"], ["nobody@example.com", PASSWORD]] as const) {
      await page.goto(`${t.url}/login`);
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Log in" }).click();
      messages.push((await page.getByRole("alert").textContent()) ?? "");
    }
    expect(messages).toEqual(["The email or password is incorrect.", "The email or password is incorrect."]);
    expect(page.url()).toContain("/login");
  });

  it("logs in and lists issues with status, assignee and linked tickets", async () => {
    await logIn(page, t.url, "ana@example.com", PASSWORD);
    const row = page.getByRole("row", { name: /cart is undefined/ });
    await expect.poll(() => row.textContent()).toContain(`${REPO}#${issueNumber}`);
    const text = await row.textContent();
    expect(text).toContain("unresolved");
    expect(text).toContain("Unassigned");
    await expect.poll(() => page.getByRole("row").count()).toBe(3);
    await screenshot(page, "issues");
  });

  it("filters the list by words of the title", async () => {
    await page.getByLabel("Search").fill("ReferenceError");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect.poll(() => page.getByRole("row").count()).toBe(2);
    expect(page.url()).toContain("query=ReferenceError");
  });

  it("assigns the issue from its page, and the ticket at GitHub follows", async () => {
    await page.goto(`${t.url}/issues/${group.id}`);
    await page.getByRole("heading", { level: 1, name: /cart is undefined/ }).waitFor();
    await page.getByLabel("Assignee").selectOption(`user:${ben.id}`);
    await page.getByRole("button", { name: "Assign" }).click();
    await expect.poll(() => page.locator("#issue-assignee").textContent()).toBe("ben");
    expect(await until(assigneeOf, (v) => v === ben.id)).toBe(ben.id);
    expect(await until(async () => sim.control.issue(REPO, issueNumber).assignees, (a) => a[0] === "ben-gh")).toEqual(["ben-gh"]);
  });

  it("resolves and reopens the issue from its page", async () => {
    await page.getByRole("button", { name: "Resolve" }).click();
    await expect.poll(() => page.locator("#issue-status").textContent()).toBe("resolved");
    await page.getByRole("button", { name: "Reopen" }).click();
    await expect.poll(() => page.locator("#issue-status").textContent()).toBe("unresolved");
    const activity = page.getByRole("region", { name: "Activity" });
    // Done through ana's session, so the timeline names her.
    await expect.poll(() => activity.textContent()).toContain("ana reopened the issue");
    expect(await activity.textContent()).toContain("ana resolved the issue");
  });

  it("shows an assignee changed in GitHub without a reload (webhook in, page polls)", async () => {
    let reloaded = false;
    page.once("load", () => (reloaded = true));
    await sim.control.assign(REPO, issueNumber, ["ana-gh"]);
    await expect.poll(() => page.locator("#issue-assignee").textContent(), { timeout: 15_000 }).toBe("ana");
    expect(reloaded).toBe(false);
    await expect.poll(() => page.getByRole("region", { name: "Sync log" }).textContent()).toContain("inbound");
  });

  it("links a GitHub issue found by search-as-you-type, refuses an unknown one beside the field, creates one and unlinks (§4)", async () => {
    const flaky = sim.control.createIssue(REPO, "Flaky payment retries");
    const links = page.getByRole("region", { name: "Linked tickets" });
    const form = page.getByRole("form", { name: "Link or create a ticket" });
    const searchBox = form.getByLabel("Find a ticket");
    await form.getByLabel("Repository").fill(REPO);
    const searchesBefore = sim.server.requests.filter((r) => r.path.startsWith("/search/issues")).length;
    await searchBox.pressSequentially("Flaky pay", { delay: 40 });
    await form.getByRole("button", { name: `Pick ${REPO}#${flaky}` }).click();
    // Debounced: nine keystrokes made one search (two at most if a pause fell between them), not nine.
    expect(sim.server.requests.filter((r) => r.path.startsWith("/search/issues")).length - searchesBefore).toBeLessThanOrEqual(2);
    await form.getByRole("button", { name: "Link ticket" }).click();
    await expect.poll(() => links.getByRole("link", { name: `${REPO}#${flaky}` }).count()).toBe(1);

    await searchBox.fill(`${REPO}#9999`);
    await form.getByRole("button", { name: "Link ticket" }).click();
    await expect.poll(() => errorBeside(searchBox)).toContain(`No ticket ${REPO}#9999 was found`);
    expect(await searchBox.getAttribute("aria-invalid")).toBe("true");

    await form.getByLabel("Action").selectOption("create");
    await form.getByLabel("Title").fill("Checkout crash follow-up");
    await form.getByRole("button", { name: "Create ticket" }).click();
    await expect.poll(() => links.textContent()).toContain("Checkout crash follow-up");
    const created = Number(/#(\d+)[^#]*— Checkout crash follow-up/.exec((await links.textContent()) ?? "")?.[1]);
    expect(sim.control.issue(REPO, created).title).toBe("Checkout crash follow-up");
    await expect.poll(() => page.getByRole("region", { name: "Activity" }).textContent()).toContain("ana created a ticket: Checkout crash follow-up");

    page.once("dialog", (d) => void d.accept());
    await links.getByRole("button", { name: `Unlink ${REPO}#${flaky}` }).click();
    await expect.poll(() => links.getByRole("link", { name: `${REPO}#${flaky}` }).count()).toBe(0);
    expect(await links.textContent()).toContain(`${REPO}#${issueNumber}`);
  });

  it("lists a failed delivery, shows why it failed and replays it", async () => {
    await page.getByRole("link", { name: "Webhook deliveries" }).click();
    await page.getByLabel("State").selectOption("failed");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect.poll(() => page.getByRole("row").count()).toBe(2);
    expect(await page.getByRole("row").nth(1).textContent()).toContain("simulated failure");
    expect(await page.getByRole("figure").count()).toBeGreaterThan(0);
    await page.getByRole("row").nth(1).getByRole("link").click();
    await page.getByRole("heading", { name: "Headers" }).waitFor();
    const facts = await page.locator("dl.facts").textContent();
    expect(facts).toContain("the current webhook secret");
    expect(facts).toContain("simulated failure");
    await page.getByRole("button", { name: "Replay" }).click();
    await expect.poll(() => page.getByRole("status").filter({ hasText: "Replay" }).count()).toBe(1);
    await expect.poll(() => page.locator("#delivery-state").textContent(), { timeout: 15_000 }).toBe("processed");
  });

  it("maps an unresolved identity to a member in one step, and the waiting assignment applies", async () => {
    await sim.control.assign(REPO, issueNumber, ["carol-gh"]);
    await until(() => t.app.store.db.selectFrom("unresolved_identities").select("id").execute(), (rows) => rows.length > 0);
    await page.getByRole("link", { name: "Settings" }).click();
    const queue = page.getByRole("region", { name: "Unresolved identities" });
    await expect.poll(() => queue.textContent()).toContain("carol-gh");
    await queue.getByLabel(/Member for/).selectOption(String(carol.id));
    await queue.getByRole("button", { name: "Map to this member" }).click();
    await expect.poll(() => queue.textContent()).toContain("Every assignee the providers named matched a member.");
    expect(await until(assigneeOf, (v) => v === carol.id)).toBe(carol.id);
    await expect.poll(() => page.getByRole("region", { name: "External users" }).textContent()).toContain("carol@example.com");
  });

  it("creates an API token shown once, which then works for the API, and revokes it", async () => {
    const tokens = page.getByRole("region", { name: "API tokens" });
    await tokens.getByLabel("Token name").fill("ci");
    await tokens.getByRole("button", { name: "Create token" }).click();
    const token = await tokens.getByLabel("New API token").inputValue();
    expect(token).toMatch(/^sbt_/);
    const res = await fetch(`${t.url}/api/0/organizations/acme/`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    page.once("dialog", (d) => void d.accept());
    await tokens.getByRole("button", { name: "Revoke ci" }).click();
    await expect.poll(async () => (await fetch(`${t.url}/api/0/organizations/acme/`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  });

  it("adds a GitHub integration through the install flow the page starts, and lists its health", async () => {
    await page.getByRole("link", { name: "Integrations" }).click();
    await page.getByRole("heading", { name: "Integrations", level: 1 }).waitFor();
    // The page sends the browser through our setup URL to the app's install page at GitHub (the simulator has no
    // HTML there); GitHub's part is done as GitHub does it: create the installation, send the browser back with its id.
    await page.getByRole("button", { name: "Add GitHub" }).click();
    await page.waitForURL((url) => url.href.startsWith(`${sim.url}/apps/`) && url.pathname.endsWith("/installations/new"));
    const stateSeen = new URL(page.url()).searchParams.get("state") ?? "";
    const installed = await sim.control.createInstallation({ account: "globex", notify: false });
    const back = new URL(`${t.url}/extensions/github/setup/`);
    back.search = new URLSearchParams({ installation_id: String(installed), setup_action: "install", state: stateSeen }).toString();
    await page.goto(back.toString());
    await page.getByText("GitHub connected").waitFor();
    expect(stateSeen).not.toBe("");
    expect(await page.textContent("body")).toContain("globex");
    const row = await t.app.store.db.selectFrom("integrations").select("id").where("provider", "=", "github").where("external_id", "=", String(installed)).executeTakeFirst();
    expect(row).toBeDefined();

    await page.goto(`${t.url}/integrations`);
    const card = page.getByRole("region", { name: "GitHub globex" });
    await expect.poll(() => card.textContent()).toContain("Minted per use");
    expect(await card.textContent()).toContain("github app");
    const acme = page.getByRole("region", { name: "GitHub acme" });
    expect(await acme.textContent()).toContain("processed"); // its last webhook, delivered by the simulator
    expect(await acme.textContent()).toContain("the current secret");
  });

  it("saves an integration's sync settings from its card", async () => {
    const acme = page.getByRole("region", { name: "GitHub acme" });
    await acme.getByLabel("Resolve or reopen the issue when the ticket moves there").uncheck();
    await acme.getByRole("button", { name: "Save sync settings" }).click();
    await expect.poll(() => acme.getByRole("status").filter({ hasText: "Sync settings saved." }).count()).toBe(1);
    const stored = await t.app.store.db.selectFrom("organization_integrations").select("config").where("organization_id", "=", orgId).where("integration_id", "=", integrationId).executeTakeFirstOrThrow();
    expect(JSON.parse(stored.config)).toMatchObject({ sync_status_reverse: false, sync_forward_assignment: true });
  });

  it("shows needs_reauth with a re-authorize action after Jira refuses the revoked token", async () => {
    const card = page.getByRole("region", { name: "Jira Server Jira" });
    await expect.poll(() => card.textContent()).toContain("Valid");
    expect(await card.textContent()).not.toContain("needs_reauth");
    jiraSim.control.revokeAccessToken(jira.credential.accessToken);
    await card.getByRole("button", { name: "Check authorization" }).click();
    await expect.poll(() => card.textContent(), { timeout: 10_000 }).toContain("needs_reauth");
    expect(await card.getByRole("alert").first().textContent()).toContain("no longer accepts this integration's credential");
    expect(await card.getByRole("button", { name: "Re-authorize" }).count()).toBe(1);
    // The check's own verdict stays beside the card across the re-render it caused.
    await expect.poll(() => card.getByRole("status").first().textContent()).toContain("revoked");
    await screenshot(page, "integrations");
  });

  it("lists a project's alert rules with their conditions and last error", async () => {
    await page.getByRole("link", { name: "Alert rules" }).click();
    const web = page.getByRole("region", { name: "web" });
    await expect.poll(() => web.textContent()).toContain("Page the checkout team");
    const text = await web.textContent();
    expect(text).toContain("A new issue is created");
    expect(text).toContain("Opsgenie answered 422: alias too long");
  });

  it("shows beside the team field why a rule was refused (another account's team, an invalid key, Opsgenie unreachable), then saves it", async () => {
    const form = page.getByRole("form", { name: "New alert rule for web" });
    const account = form.getByLabel("Opsgenie account");
    const team = form.getByLabel("Team");
    const save = form.getByRole("button", { name: "Save rule" });
    await form.getByLabel("Rule name").fill("Page on new issues");

    await account.selectOption({ label: "acme-og" });
    await team.selectOption({ label: "Ops (globex-og)" });
    await save.click();
    await expect.poll(() => errorBeside(team)).toBe('The team "Ops" does not belong to the acme-og Opsgenie account.');
    expect(await team.getAttribute("aria-invalid")).toBe("true");
    expect(await errorBeside(account)).toBeNull();

    await account.selectOption({ label: "badkey-og" });
    await team.selectOption({ label: "Backend (badkey-og)" });
    await save.click();
    await expect.poll(() => errorBeside(team)).toBe(INVALID_KEY_MESSAGE);

    await account.selectOption({ label: "acme-og" });
    await team.selectOption({ label: "Backend (acme-og)" });
    ogSim.server.faults.add({ count: 1, status: 500 });
    await save.click();
    await expect.poll(() => errorBeside(team)).toBe("Opsgenie could not be reached (HTTP 500); try again");

    await save.click();
    const web = page.getByRole("region", { name: "web" });
    await expect.poll(() => web.textContent()).toContain("Send a notification to Opsgenie account acme-og and team Backend with P3 priority");
    expect(await web.textContent()).toContain("Page on new issues");
  });

  it("is usable at 390 px wide: no sideways scrolling, issue actions reachable", async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const small = await phone.newPage();
    await logIn(small, t.url, "ana@example.com", PASSWORD);
    await small.getByRole("link", { name: /cart is undefined/ }).waitFor();
    expect(await small.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
    await small.getByRole("link", { name: /cart is undefined/ }).click();
    await small.getByRole("button", { name: "Assign" }).waitFor();
    expect(await small.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
    const box = await small.getByRole("button", { name: /Resolve|Reopen/ }).first().boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    await phone.close();
  });

  it("logs out, after which the API refuses the old session", async () => {
    const cookies = await context.cookies();
    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByRole("button", { name: "Log in" }).waitFor();
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    const res = await fetch(`${t.url}/api/0/organizations/acme/issues/`, { headers: { cookie } });
    expect(res.status).toBe(401);
  });
});
