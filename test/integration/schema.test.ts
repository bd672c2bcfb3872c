import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql, type Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/database.js";
import { migrateToLatest } from "../../src/store/migrate.js";
import type { Database } from "../../src/store/schema.js";
import { createTestStore, storeMode, type TestStore } from "../helpers/test-store.js";

const DOMAIN_TABLES = [
  "organizations", "users", "user_emails", "organization_members", "teams", "team_members", "projects",
  "project_teams", "project_keys", "groups", "events", "activity", "group_history", "group_subscriptions",
  "notification_settings", "outbox", "integrations", "organization_integrations", "identities",
  "external_issues", "group_links", "group_assignees", "external_actors", "repositories", "commits",
  "commit_authors", "commit_file_changes", "pull_requests", "api_tokens",
];

async function shape(db: Kysely<Database>): Promise<Record<string, string[]>> {
  const tables = await db.introspection.getTables();
  const out: Record<string, string[]> = {};
  for (const table of tables) {
    if (table.name.startsWith("kysely_")) continue;
    // SQLite reports an INTEGER PRIMARY KEY as nullable, yet it is the rowid and never null.
    out[table.name] = table.columns.map((c) => `${c.name}${c.isNullable && c.name !== "id" ? "?" : ""}`).sort();
  }
  return out;
}

describe(`domain schema (${storeMode})`, () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore();
  });
  afterAll(async () => {
    await t.destroy();
  });

  it("creates every domain table", async () => {
    const tables = Object.keys(await shape(t.store.db));
    for (const name of DOMAIN_TABLES) expect(tables).toContain(name);
  });

  it("is idempotent: migrating again applies nothing", async () => {
    expect(await migrateToLatest(t.store)).toEqual([]);
  });

  it.runIf(storeMode === "postgres")("creates the same tables, columns and nullability in SQLite and PostgreSQL", async () => {
    const sqlite = await openStore({ dataDir: mkdtempSync(join(tmpdir(), "sb-shape-")) });
    await migrateToLatest(sqlite);
    try {
      expect(await shape(t.store.db)).toEqual(await shape(sqlite.db));
    } finally {
      await sqlite.close();
    }
  });

  describe("group assignees", () => {
    let ids: { org: number; project: number; group: number; user: number; team: number };
    beforeAll(async () => {
      const db = t.store.db;
      const now = new Date().toISOString();
      await db.insertInto("organizations").values({ id: 1, slug: "acme", name: "Acme", status: "active", features: "{}", date_added: now }).execute();
      await db.insertInto("projects").values({ id: 2, organization_id: 1, slug: "web", name: "Web", platform: null, status: "active", group_counter: 1, date_added: now }).execute();
      await db.insertInto("teams").values({ id: 3, organization_id: 1, slug: "core", name: "Core", status: "active", date_added: now }).execute();
      const user = await db.insertInto("users").values({ username: "ana", name: "Ana", password_hash: null, is_active: 1, date_joined: now }).returning("id").executeTakeFirstOrThrow();
      const group = await db
        .insertInto("groups")
        .values({ project_id: 2, short_id: 1, fingerprint_hash: "f", title: "E", culprit: "", message: "", level: "error", status: "unresolved", first_seen: now, last_seen: now, times_seen: 1, resolved_at: null, data: "{}" })
        .returning("id")
        .executeTakeFirstOrThrow();
      ids = { org: 1, project: 2, group: group.id, user: user.id, team: 3 };
    });

    const row = (user: number | null, team: number | null) => ({
      project_id: ids.project,
      group_id: ids.group,
      user_id: user,
      team_id: team,
      date_added: new Date().toISOString(),
    });

    it("refuses a row with both a user and a team", async () => {
      await expect(t.store.db.insertInto("group_assignees").values(row(ids.user, ids.team)).execute()).rejects.toThrow();
    });

    it("refuses a row with neither a user nor a team", async () => {
      await expect(t.store.db.insertInto("group_assignees").values(row(null, null)).execute()).rejects.toThrow();
    });

    it("accepts exactly one assignee per group", async () => {
      await t.store.db.insertInto("group_assignees").values(row(ids.user, null)).execute();
      await expect(t.store.db.insertInto("group_assignees").values(row(null, ids.team)).execute()).rejects.toThrow();
      const count = await sql<{ n: number }>`SELECT count(*) AS n FROM group_assignees`.execute(t.store.db);
      expect(Number(count.rows[0]?.n)).toBe(1);
    });
  });
});
