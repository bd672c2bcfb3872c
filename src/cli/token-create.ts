import { createApp } from "../app.js";
import { loadConfig } from "../config.js";
import { createLogger } from "../logger.js";
import { isoNow } from "../platform/clock.js";
import { createApiToken } from "../store/api-tokens.js";
import { createOrganization, findOrganizationBySlug } from "../store/organizations.js";
import { configFlags, SERVICE_OPTIONS, SERVICE_OPTIONS_HELP, type Command } from "./command.js";

export const tokenCreateCommand: Command = {
  name: "token create",
  summary: "Print a new API token for an organization",
  help: `Usage: switchboard token create --org <slug> [--create-org] [--name <label>] [options]

Creates a bearer API token scoped to one organization and prints it once (only its hash is
stored). With --create-org the organization is created when it does not exist.

Options:
  --org <slug>          the organization (required)
  --create-org          create the organization if missing
  --name <label>        a label for the token (default "cli")
${SERVICE_OPTIONS_HELP}
  -h, --help            Show this help`,
  options: { ...SERVICE_OPTIONS, org: { type: "string" }, "create-org": { type: "boolean" }, name: { type: "string" } },
  async run(values) {
    const slug = typeof values.org === "string" ? values.org : undefined;
    if (!slug) {
      console.error("--org <slug> is required");
      return 2;
    }
    const config = loadConfig(process.env, configFlags(values));
    // Logs go to stderr so that stdout carries only the token.
    const app = await createApp(config, { logger: createLogger(config.logLevel, process.stderr) });
    try {
      let org = await findOrganizationBySlug(app, slug);
      if (!org) {
        if (!values["create-org"]) {
          console.error(`No organization "${slug}"; add --create-org to create it.`);
          return 1;
        }
        const created = await createOrganization(app, { name: slug, slug });
        org = await findOrganizationBySlug(app, created.slug);
      }
      const { token } = await createApiToken(app.store.db, org!.id, typeof values.name === "string" ? values.name : "cli", isoNow(app.clock));
      console.log(token);
      return 0;
    } finally {
      await app.close();
    }
  },
};
