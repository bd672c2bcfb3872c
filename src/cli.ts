import { parseArgs } from "node:util";
import type { Command } from "./cli/command.js";
import { migrateCommand } from "./cli/migrate.js";
import { rotateKeyCommand } from "./cli/rotate-key.js";
import { serveCommand } from "./cli/serve.js";
import { simulateCommand } from "./cli/simulate.js";
import { tokenCreateCommand } from "./cli/token-create.js";
import { userCreateCommand } from "./cli/user-create.js";
import { workerCommand } from "./cli/worker.js";
import { demoDataCommand } from "./cli/demo-data.js";
import { isAppError } from "./domain/errors.js";

/** Every subcommand of `switchboard`, in the order `--help` lists them. */
export const COMMANDS: Command[] = [serveCommand, workerCommand, migrateCommand, rotateKeyCommand, tokenCreateCommand, userCreateCommand, simulateCommand, demoDataCommand];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `Usage: switchboard <command> [options]

Switchboard: the integrations backend of an error tracker.

Commands:
${lines.join("\n")}

Run \`switchboard <command> --help\` for a command's options.`;
}

/** Runs the command line; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return name ? 0 : 1;
  }
  // Two-word commands ("token create") are registered by their full name.
  const twoWord = rest[0] && !rest[0].startsWith("-") ? `${name} ${rest[0]}` : undefined;
  const command = COMMANDS.find((c) => c.name === twoWord) ?? COMMANDS.find((c) => c.name === name);
  if (!command) {
    console.error(`Unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  const args = command.name === twoWord ? rest.slice(1) : rest;
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...command.options, help: { type: "boolean", short: "h" } }, allowPositionals: true });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${command.help}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(command.help);
    return 0;
  }
  try {
    return await command.run(parsed.values as Record<string, string | boolean | string[] | undefined>, parsed.positionals);
  } catch (error) {
    const message = isAppError(error) ? `${error.message} (${error.code})` : (error as Error).message;
    console.error(`switchboard ${command.name}: ${message}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
