// Seeds the sync-inbound benchmark's store as the end-to-end test does: one organization syncing assignees
// inbound from a GitHub installation, two members mapped by external actors (@ana-gh, @ben-gh), and many
// groups each linked to its own GitHub issue of one repository.
import type { Kysely } from "kysely";
import type { Database } from "../src/store/schema.js";
import { addProjectTeam, createGroup, createIntegration, createMember, createOrganization, createProject, createTeam, linkGroup } from "../test/helpers/fixtures.js";

export const BENCH_REPO = "acme/web";
export const BENCH_INSTALLATION = 88_001;
export const BENCH_LOGINS = ["ana-gh", "ben-gh"] as const;

export interface SeededBench {
  organizationId: number;
  integrationId: number;
  /** User ids of @ana-gh and @ben-gh, in BENCH_LOGINS order. */
  users: number[];
  /** Linked groups; group i is linked to issue number i + 1. */
  groups: { id: number; projectId: number; issueNumber: number }[];
}

/** Writes the organization, members, external actors, integration and `groupCount` linked groups. */
export async function seedSyncInbound(db: Kysely<Database>, groupCount: number): Promise<SeededBench> {
  const org = await createOrganization(db, "bench-sync");
  const integration = await createIntegration(db, org.id, {
    provider: "github",
    externalId: String(BENCH_INSTALLATION),
    config: { sync_forward_assignment: true, sync_reverse_assignment: true },
  });
  const project = await createProject(db, org.id, "web");
  const team = await createTeam(db, org.id);
  await addProjectTeam(db, project.id, team.id);
  const users: number[] = [];
  const now = new Date().toISOString();
  for (const login of BENCH_LOGINS) {
    const member = await createMember(db, org.id, { email: `${login}@example.com`, teams: [team.id] });
    await db
      .insertInto("external_actors")
      .values({ organization_id: org.id, integration_id: integration.id, provider: "github", external_name: `@${login}`, external_id: null, user_id: member.id, team_id: null, date_added: now })
      .execute();
    users.push(member.id);
  }
  const groups: SeededBench["groups"] = [];
  for (let i = 0; i < groupCount; i++) {
    const group = await createGroup(db, project.id);
    await linkGroup(db, group, org.id, integration.id, `${BENCH_REPO}#${i + 1}`);
    groups.push({ ...group, issueNumber: i + 1 });
  }
  return { organizationId: org.id, integrationId: integration.id, users, groups };
}
