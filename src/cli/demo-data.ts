import { createHash } from "node:crypto";
import { saveEvent } from "../api/intake/save-event.js";
import { buildDsn } from "../api/routes/project-routes.js";
import { createApp, type App } from "../app.js";
import { loadConfig } from "../config.js";
import { isAppError } from "../domain/errors.js";
import { createLogger } from "../logger.js";
import { isoNow } from "../platform/clock.js";
import { createApiToken } from "../store/api-tokens.js";
import { createMember, listMembers } from "../store/members.js";
import { createOrganization, findOrganizationBySlug } from "../store/organizations.js";
import { listProjectKeys } from "../store/project-keys.js";
import { createProject, findProjectBySlug } from "../store/projects.js";
import { addTeamMember, createTeam, findTeamBySlug } from "../store/teams.js";
import { configFlags, SERVICE_OPTIONS, SERVICE_OPTIONS_HELP, type Command } from "./command.js";

const MEMBERS = [
  { email: "ada@demo.example", name: "Ada Lovelace", role: "owner" },
  { email: "grace@demo.example", name: "Grace Hopper", role: "member" },
];

/** Demo events: three of one error, two of a message with varying numbers, one of another error. */
function demoEvents(projectId: number): Record<string, unknown>[] {
  const frames = (fn: string, line: number) => ({
    frames: [
      { filename: "node:internal/process/task_queues", function: "processTicksAndRejections", in_app: false, lineno: 95 },
      { filename: "/srv/shop/src/checkout.js", module: "checkout", function: fn, lineno: line, in_app: true },
    ],
  });
  const error = (type: string, value: string, fn: string, line: number, level = "error") => ({
    platform: "node",
    level,
    transaction: "POST /checkout",
    exception: { values: [{ type, value, stacktrace: frames(fn, line) }] },
  });
  const events: Record<string, unknown>[] = [
    error("PaymentDeclined", "card declined (code 51)", "chargeCard", 120),
    error("PaymentDeclined", "card declined (code 05)", "chargeCard", 121),
    error("PaymentDeclined", "card declined (code 51)", "chargeCard", 120),
    { platform: "node", level: "warning", message: "slow query took 1200ms" },
    { platform: "node", level: "warning", message: "slow query took 1375ms" },
    error("TypeError", "Cannot read properties of undefined (reading 'sku')", "loadCart", 48, "fatal"),
  ];
  // Deterministic ids: a second run reports the same events instead of counting them again.
  return events.map((e, i) => ({ ...e, event_id: createHash("md5").update(`demo:${projectId}:${i}`).digest("hex") }));
}

async function ensure<T>(what: string, find: () => Promise<T | undefined>, create: () => Promise<T>): Promise<T> {
  const existing = await find();
  if (existing) {
    console.error(`${what} exists`);
    return existing;
  }
  const created = await create();
  console.error(`${what} created`);
  return created;
}

async function seed(app: App, orgSlug: string): Promise<void> {
  const org = await ensure(`organization "${orgSlug}"`, () => findOrganizationBySlug(app, orgSlug), async () => {
    await createOrganization(app, { name: "Demo", slug: orgSlug });
    return (await findOrganizationBySlug(app, orgSlug))!;
  });
  const team = await ensure(`team "backend"`, () => findTeamBySlug(app, org.id, "backend"), () => createTeam(app, { organizationId: org.id, name: "Backend", slug: "backend" }));
  const project = await ensure(`project "shop"`, () => findProjectBySlug(app, org.id, "shop"), () =>
    createProject(app, { organizationId: org.id, teamId: team.id, name: "Shop", slug: "shop", platform: "node" }),
  );
  const members = await listMembers(app, org.id);
  for (const person of MEMBERS) {
    let member = members.find((m) => m.email.toLowerCase() === person.email);
    if (member) console.error(`member ${person.email} exists`);
    else {
      try {
        member = await createMember(app, org.id, person);
        console.error(`member ${person.email} created (verified email)`);
      } catch (error) {
        if (!isAppError(error, "member_exists")) throw error;
        console.error(`member ${person.email} exists`);
      }
    }
    if (member) await addTeamMember(app, team.id, member.id);
  }
  let created = 0;
  let groups = new Set<number>();
  for (const payload of demoEvents(project.id)) {
    const outcome = await saveEvent(app, { projectId: project.id, organizationId: org.id }, payload);
    if (!outcome.duplicate) created++;
    groups.add(outcome.groupId);
  }
  groups = new Set([...groups].filter((g) => g > 0));
  console.error(created ? `${created} events saved into ${groups.size} issues` : `demo events exist (${groups.size} issues)`);

  const key = (await listProjectKeys(app.store.db, project.id)).find((k) => k.isActive);
  const { token } = await createApiToken(app.store.db, org.id, "demo-data", isoNow(app.clock));
  console.log(`organization: ${org.slug}`);
  console.log(`project:      ${project.slug} (id ${project.id})`);
  console.log(`api token:    ${token}`);
  console.log(`dsn:          ${key ? buildDsn(app.config.publicUrl, key).public : "(no active key)"}`);
  console.log(`issues:       ${app.config.publicUrl}/api/0/projects/${org.slug}/${project.slug}/issues/`);
}

export const demoDataCommand: Command = {
  name: "demo-data",
  summary: "Create a demo organization, team, project, members and grouped events",
  help: `Usage: switchboard demo-data [--org <slug>] [options]

Creates (or reuses) an organization, a team "backend", a project "shop" with a key, two members with
verified emails and a few events grouped into issues through the intake pipeline, then prints a new
API token and the project's DSN. Running it again reuses what exists and never counts an event twice.

Options:
  --org <slug>          the organization (default "demo")
${SERVICE_OPTIONS_HELP}
  -h, --help            Show this help`,
  options: { ...SERVICE_OPTIONS, org: { type: "string" } },
  async run(values) {
    const config = loadConfig(process.env, configFlags(values));
    // Progress goes to stderr; stdout carries the token and DSN.
    const app = await createApp(config, { logger: createLogger(config.logLevel, process.stderr) });
    try {
      await seed(app, typeof values.org === "string" ? values.org : "demo");
      return 0;
    } catch (error) {
      console.error(isAppError(error) ? `demo-data failed: ${error.message}` : error);
      return 1;
    } finally {
      await app.close();
    }
  },
};
