import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { createApp } from "../app.js";
import { hashPassword, MIN_PASSWORD_LENGTH } from "../api/auth/password-hash.js";
import { loadConfig } from "../config.js";
import { isAppError } from "../domain/errors.js";
import { createLogger } from "../logger.js";
import { isoNow } from "../platform/clock.js";
import { createMember, listMembers } from "../store/members.js";
import { findOrganizationBySlug } from "../store/organizations.js";
import { setPasswordHash } from "../store/user-passwords.js";
import { deleteUserWebSessions } from "../store/web-sessions.js";
import { configFlags, SERVICE_OPTIONS, SERVICE_OPTIONS_HELP, type Command } from "./command.js";

/** Reads the password: prompted without echo on a terminal, else the first line of stdin. */
async function readPassword(): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) {
    let data = "";
    for await (const chunk of input) data += String(chunk);
    return data.split(/\r?\n/)[0] ?? "";
  }
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input, output, terminal: true });
  try {
    return await new Promise<string>((resolve) => {
      rl.question("Password: ", resolve);
      muted = true;
    });
  } finally {
    rl.close();
    process.stderr.write("\n");
  }
}

export const userCreateCommand: Command = {
  name: "user create",
  summary: "Create a dashboard login (a member of an organization with a password)",
  help: `Usage: switchboard user create --org <slug> --email <address> [--password <pw>] [--name <name>] [--role <role>] [options]

Creates a user who logs in to the dashboard with this email and password, as a member of the
organization. An existing member with that email gets the new password (and loses open sessions).
Without --password the password is prompted for (not echoed), or read from the first line of stdin
when stdin is not a terminal. Passwords are stored as scrypt hashes.

Options:
  --org <slug>          the organization (required)
  --email <address>     the login email (required)
  --password <pw>       the password (at least ${MIN_PASSWORD_LENGTH} characters); prefer the prompt or stdin
  --name <name>         display name
  --role <role>         member role: member|admin|manager|owner (default member)
${SERVICE_OPTIONS_HELP}
  -h, --help            Show this help`,
  options: { ...SERVICE_OPTIONS, org: { type: "string" }, email: { type: "string" }, password: { type: "string" }, name: { type: "string" }, role: { type: "string" } },
  async run(values) {
    const slug = typeof values.org === "string" ? values.org : undefined;
    const email = typeof values.email === "string" ? values.email.trim() : undefined;
    if (!slug || !email) {
      console.error("--org <slug> and --email <address> are required");
      return 2;
    }
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) {
      console.error(`"${email}" is not an email address`);
      return 2;
    }
    const role = typeof values.role === "string" ? values.role : "member";
    if (!["member", "admin", "manager", "owner"].includes(role)) {
      console.error("--role must be one of member, admin, manager, owner");
      return 2;
    }
    const password = typeof values.password === "string" ? values.password : await readPassword();
    if (password.length < MIN_PASSWORD_LENGTH) {
      console.error(`The password must have at least ${MIN_PASSWORD_LENGTH} characters.`);
      return 2;
    }
    const config = loadConfig(process.env, configFlags(values));
    const app = await createApp(config, { logger: createLogger(config.logLevel, process.stderr) });
    try {
      const org = await findOrganizationBySlug(app, slug);
      if (!org) {
        console.error(`No organization "${slug}"; create it first (switchboard token create --org ${slug} --create-org).`);
        return 1;
      }
      let member = (await listMembers(app, org.id)).find((m) => m.email.toLowerCase() === email.toLowerCase());
      const existed = member !== undefined;
      if (!member) {
        try {
          member = await createMember(app, org.id, { email, name: typeof values.name === "string" ? values.name : undefined, role });
        } catch (error) {
          if (isAppError(error, "username_taken")) console.error(`Another user already has the username ${email}.`);
          else throw error;
          return 1;
        }
      }
      await setPasswordHash(app.store.db, member.userId, await hashPassword(password));
      await deleteUserWebSessions(app.store.db, member.userId, isoNow(app.clock));
      console.log(existed ? `Password set for ${email} (member of ${org.slug}).` : `Created ${email}, member of ${org.slug}; they can log in at ${config.publicUrl}/login`);
      return 0;
    } finally {
      await app.close();
    }
  },
};
