import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GithubControl } from "../../simulators/github/control.js";
import { startGithubSimulator } from "../../simulators/github/index.js";
import type { StartedSimulator } from "../../simulators/shared/types.js";
import { createOrganization, installIntegration } from "../helpers/fixtures.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { storeMode } from "../helpers/test-store.js";
import { waitFor } from "../helpers/wait-for.js";

const REPO = "acme/web";

describe(`GitHub installation, push, pull_request and ping deliveries (§3.3; ${storeMode})`, () => {
  let sim: StartedSimulator<GithubControl>;
  let t: TestApp;
  let installationId: number;
  let integrationId: number;
  let org: { id: number };
  let otherOrg: { id: number };

  const db = () => t.app.store.db;
  const processed = (deliveryId: string) =>
    waitFor(
      () => db().selectFrom("webhook_deliveries").select(["state", "last_error"]).where("provider", "=", "github").where("delivery_id", "=", deliveryId).executeTakeFirst(),
      (row) => row?.state === "processed" || row?.state === "dead",
    );
  const repositoryRows = () => db().selectFrom("repositories").selectAll().where("provider", "=", "integrations:github").orderBy("organization_id").execute();

  beforeAll(async () => {
    sim = await startGithubSimulator();
    t = await startTestApp({
      workers: true,
      env: {
        GITHUB_APP_ID: sim.credentials.GITHUB_APP_ID as string,
        GITHUB_APP_PRIVATE_KEY: sim.credentials.GITHUB_APP_PRIVATE_KEY as string,
        GITHUB_WEBHOOK_SECRET: sim.credentials.GITHUB_WEBHOOK_SECRET as string,
        GITHUB_API_URL: sim.url,
      },
    });
    sim.control.setWebhookUrl(`${t.url}/extensions/github/webhook/`);
    org = await createOrganization(db(), `gh-acme-${Date.now()}`);
    otherOrg = await createOrganization(db(), `gh-other-${Date.now()}`);
  });
  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  it("creates the integration on installation.created: external id, account login, sender and account type, no access token", async () => {
    installationId = await sim.control.createInstallation({ account: "acme", accountType: "Organization", sender: "octocat" });
    const delivery = sim.control.deliveries().at(-1)!;
    expect(delivery.event).toBe("installation");
    expect((await processed(delivery.deliveryId))?.state).toBe("processed");
    const row = await db().selectFrom("integrations").selectAll().where("provider", "=", "github").where("external_id", "=", String(installationId)).executeTakeFirstOrThrow();
    expect(row.name).toBe("acme");
    expect(row.status).toBe("active");
    const metadata = JSON.parse(row.metadata) as Record<string, unknown>;
    expect(metadata.sender).toEqual({ id: expect.any(Number), login: "octocat" });
    expect(metadata.account_type).toBe("Organization");
    expect(metadata).not.toHaveProperty("access_token");
    integrationId = row.id;
    await installIntegration(db(), org.id, integrationId);
    await installIntegration(db(), otherOrg.id, integrationId);
  });

  it("keeps one integration row when installation.created is redelivered or replayed under a new delivery id", async () => {
    const created = sim.control.deliveries().find((d) => d.event === "installation" && d.action === "created")!;
    await sim.control.redeliver(created.deliveryId);
    const replay = (await sim.control.deliver("installation", created.payload))!;
    await processed(replay.deliveryId);
    const rows = await db().selectFrom("integrations").select("id").where("provider", "=", "github").where("external_id", "=", String(installationId)).execute();
    expect(rows).toEqual([{ id: integrationId }]);
  });

  it("answers ping and records it as processed with nothing else written", async () => {
    const delivery = (await sim.control.ping())!;
    expect(delivery.status).toBe(204);
    expect((await processed(delivery.deliveryId))?.state).toBe("processed");
  });

  it("stores the distinct commits of a push once per organization, with authors and file changes, however often it is delivered", async () => {
    sim.control.addRepository(installationId, REPO);
    const delivery = (await sim.control.push(REPO, { messages: ["Fix the crash", "Add a test"], pusher: "acme" }))!;
    expect((await processed(delivery.deliveryId))?.state).toBe("processed");
    // GitHub's "Redeliver" twice (same delivery id), then the same payload under a new id (a replay).
    await sim.control.redeliver(delivery.deliveryId);
    await sim.control.redeliver(delivery.deliveryId);
    const replay = (await sim.control.deliver("push", delivery.payload))!;
    expect((await processed(replay.deliveryId))?.state).toBe("processed");

    const repositories = await repositoryRows();
    expect(repositories.map((r) => [r.organization_id, r.name, r.status])).toEqual(
      [
        [org.id, REPO, "active"],
        [otherOrg.id, REPO, "active"],
      ].sort((a, b) => Number(a[0]) - Number(b[0])),
    );
    const pushed = (delivery.payload.commits as Array<{ id: string; author: { email: string } }>).map((c) => c.id);
    for (const repository of repositories) {
      const commits = await db().selectFrom("commits").selectAll().where("repository_id", "=", repository.id).orderBy("id").execute();
      expect(commits.map((c) => c.key)).toEqual(pushed);
      expect(commits.map((c) => c.message)).toEqual(["Fix the crash", "Add a test"]);
      expect(commits.every((c) => c.date_added.endsWith("Z"))).toBe(true);
      const author = await db().selectFrom("commit_authors").selectAll().where("id", "=", commits[0]!.author_id!).executeTakeFirstOrThrow();
      expect(author.organization_id).toBe(repository.organization_id);
      expect(author.email).toBe((delivery.payload.commits as Array<{ author: { email: string } }>)[0]!.author.email);
      const files = await db().selectFrom("commit_file_changes").select(["filename", "type"]).where("commit_id", "=", commits[0]!.id).execute();
      expect(files).toEqual([{ filename: "README.md", type: "M" }]);
    }
    expect(await db().selectFrom("commits").select("id").execute()).toHaveLength(4);
  });

  it("skips commits that are not distinct and records added, modified and removed files", async () => {
    const base = (await sim.control.push(REPO, { messages: ["x"] }))!.payload;
    const commit = (base.commits as Array<Record<string, unknown>>)[0]!;
    const payload = {
      ...base,
      commits: [
        { ...commit, id: "a".repeat(40), message: "Seen before on another branch", distinct: false },
        { ...commit, id: "b".repeat(40), message: "Move files", added: ["new.ts"], modified: ["README.md"], removed: ["old.ts"] },
      ],
    };
    await processed((await sim.control.deliver("push", payload))!.deliveryId);
    const keys = (await db().selectFrom("commits").select("key").execute()).map((r) => r.key);
    expect(keys).not.toContain("a".repeat(40));
    const stored = await db().selectFrom("commits").select("id").where("key", "=", "b".repeat(40)).execute();
    expect(stored).toHaveLength(2);
    const files = await db().selectFrom("commit_file_changes").select(["filename", "type"]).where("commit_id", "=", stored[0]!.id).orderBy("filename").execute();
    expect(files).toEqual([
      { filename: "README.md", type: "M" },
      { filename: "new.ts", type: "A" },
      { filename: "old.ts", type: "D" },
    ]);
  });

  it("resolves a GitHub privacy address to the author already known by login, and keeps no author for an email over 75 characters", async () => {
    const base = (await sim.control.push(REPO, { messages: ["y"] }))!;
    await processed(base.deliveryId);
    const commit = (base.payload.commits as Array<Record<string, unknown>>)[0]!;
    await db().insertInto("commit_authors").values({ organization_id: org.id, name: "Ada", email: "ada@example.com", external_id: "github:ada-gh" }).execute();
    const payload = {
      ...base.payload,
      commits: [
        { ...commit, id: "d".repeat(40), author: { name: "ada-gh", email: "1+ada-gh@users.noreply.github.com", username: "ada-gh" } },
        { ...commit, id: "e".repeat(40), author: { name: "Long", email: `${"l".repeat(70)}@example.com`, username: "long" } },
      ],
    };
    await processed((await sim.control.deliver("push", payload))!.deliveryId);
    const authorOf = async (key: string) =>
      db()
        .selectFrom("commits")
        .leftJoin("commit_authors", "commit_authors.id", "commits.author_id")
        .select(["commit_authors.email as email"])
        .where("commits.key", "=", key)
        .where("commits.organization_id", "=", org.id)
        .executeTakeFirstOrThrow();
    expect((await authorOf("d".repeat(40))).email).toBe("ada@example.com");
    expect((await authorOf("e".repeat(40))).email).toBeNull();
  });

  it("upserts a pull request by number and keeps the merge commit only once merged", async () => {
    const opened = (await sim.control.pullRequest(REPO, { action: "opened", title: "Fix the crash", body: "Closes the crash", author: "acme" }))!;
    await processed(opened.deliveryId);
    const number = String(opened.payload.number);
    const rows = () => db().selectFrom("pull_requests").selectAll().where("key", "=", number).orderBy("organization_id").execute();
    let prs = await rows();
    expect(prs).toHaveLength(2);
    expect(prs[0]).toMatchObject({ title: "Fix the crash", message: "Closes the crash", merge_commit_sha: null });
    const author = await db().selectFrom("commit_authors").selectAll().where("id", "=", prs[0]!.author_id!).executeTakeFirstOrThrow();
    expect(author.email).toBe("acme@localhost");

    const closedUnmerged = (await sim.control.pullRequest(REPO, { action: "closed", number: Number(number), title: "Fix the crash (v2)", merged: false }))!;
    await processed(closedUnmerged.deliveryId);
    prs = await rows();
    expect(prs[0]).toMatchObject({ title: "Fix the crash (v2)", merge_commit_sha: null });

    const merged = (await sim.control.pullRequest(REPO, { action: "closed", number: Number(number), title: "Fix the crash (v2)", merged: true }))!;
    await processed(merged.deliveryId);
    const sha = (merged.payload.pull_request as { merge_commit_sha: string }).merge_commit_sha;
    prs = await rows();
    expect(prs).toHaveLength(2);
    expect(prs.map((p) => p.merge_commit_sha)).toEqual([sha, sha]);
  });

  it("ignores a push for an installation it does not know, writing nothing", async () => {
    const before = (await db().selectFrom("commits").select("id").execute()).length;
    const own = (await sim.control.push(REPO))!;
    await processed(own.deliveryId);
    const base = own.payload;
    const stranger = (await sim.control.deliver("push", { ...base, installation: { id: 987654321 }, commits: [{ ...(base.commits as object[])[0], id: "c".repeat(40) }] }))!;
    expect((await processed(stranger.deliveryId))?.state).toBe("processed");
    expect((await db().selectFrom("commits").select("id").execute()).length).toBe(before + 2);
    expect(await db().selectFrom("commits").select("id").where("key", "=", "c".repeat(40)).execute()).toEqual([]);
  });

  it("disables the integration, its organization installations and its repositories on installation.deleted, keeping the rows", async () => {
    await sim.control.deleteInstallation(installationId);
    const delivery = sim.control.deliveries().at(-1)!;
    expect(delivery.action).toBe("deleted");
    expect((await processed(delivery.deliveryId))?.state).toBe("processed");
    const row = await db().selectFrom("integrations").select("status").where("id", "=", integrationId).executeTakeFirstOrThrow();
    expect(row.status).toBe("disabled");
    expect((await repositoryRows()).map((r) => r.status)).toEqual(["disabled", "disabled"]);
    const installs = await db().selectFrom("organization_integrations").select("status").where("integration_id", "=", integrationId).execute();
    expect(installs.map((i) => i.status)).toEqual(["disabled", "disabled"]);
    expect((await db().selectFrom("commits").select("id").execute()).length).toBeGreaterThan(0);
  });
});
