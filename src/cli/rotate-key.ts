import { createApp } from "../app.js";
import { loadConfig } from "../config.js";
import { createLogger } from "../logger.js";
import { loadKeyring, newKey, writeKeyFile } from "../platform/vault/keyring.js";
import { resealSecrets } from "../store/reseal-secrets.js";
import { Vault } from "../platform/vault/vault.js";
import { configFlags, SERVICE_OPTIONS, SERVICE_OPTIONS_HELP, type Command } from "./command.js";

export const rotateKeyCommand: Command = {
  name: "rotate-key",
  summary: "Re-encrypt every secret at rest with the newest vault key",
  help: `Usage: switchboard rotate-key [options]

With a generated key file (no SWITCHBOARD_SECRET_KEY): adds a new key to the data directory's
key file and re-encrypts every stored secret with it; older keys stay in the file so nothing
becomes unreadable.
With SWITCHBOARD_SECRET_KEY: put the new key first ("new:<key>,old:<key>"), run this command,
and drop the old key once it reports no secrets left under it.

Options:
${SERVICE_OPTIONS_HELP}
  -h, --help            Show this help`,
  options: { ...SERVICE_OPTIONS },
  async run(values) {
    const config = loadConfig(process.env, configFlags(values));
    const keyring = loadKeyring(config.secretKey, config.dataDir);
    if (keyring.source === "file" && keyring.file && !keyring.generated) {
      keyring.keys.unshift(newKey());
      writeKeyFile(keyring.file, keyring.keys);
      console.log(`Added key ${keyring.keys[0]?.id} to ${keyring.file}`);
    }
    const app = await createApp(config, { logger: createLogger(config.logLevel, process.stderr) });
    try {
      const vault = new Vault(keyring.keys);
      const changed = await resealSecrets(app.store, vault);
      console.log(`Re-encrypted ${changed} row(s) with key ${vault.currentKeyId}.`);
      return 0;
    } finally {
      await app.close();
    }
  },
};
