import { createPrivateKey, createPublicKey, generateKeyPairSync } from "node:crypto";
import { randomHex } from "../shared/ids.js";
import { SimServer } from "../shared/sim-server.js";
import type { StartedSimulator } from "../shared/types.js";
import { createJiraControl, type JiraServerControl } from "./control.js";
import { registerJiraControlRoutes } from "./control-routes.js";
import { JiraDeliveries } from "./deliver-webhook.js";
import { notFound } from "./errors.js";
import { registerIssueRoutes } from "./issue-routes.js";
import { registerMetaRoutes } from "./meta-routes.js";
import { registerOAuthRoutes } from "./oauth-routes.js";
import { registerSearchRoutes } from "./search-routes.js";
import { seedDefaults } from "./seed.js";
import { JiraState } from "./state.js";
import { registerUserRoutes } from "./user-routes.js";
import { registerWebhookRoutes } from "./webhook-routes.js";

export type { JiraServerControl } from "./control.js";

export interface JiraServerSimulatorOptions {
  port?: number;
  host?: string;
  /** An extra receiver of every issue delivery, besides the webhooks registered through REST (whose URLs carry their own token). */
  webhookUrl?: string;
  /** The Application Link's consumer key (default `switchboard-<hex>`). */
  consumerKey?: string;
  /** The consumer's RSA public key; or give `privateKeyPem` and the public half is derived. Neither: a key pair is generated. */
  publicKeyPem?: string;
  privateKeyPem?: string;
  consumerName?: string;
  /** The link's "Consumer Callback URL", used by authorize when the request token named no `oauth_callback`. */
  consumerCallbackUrl?: string;
  /** Accepted distance of `oauth_timestamp` from the simulator's clock, in seconds (default 300). */
  timestampWindowSeconds?: number;
  /** Seed users `admin` (administrator, approves OAuth requests), `jdoe`, `paul` and project `SWB` (default true). */
  seed?: boolean;
}

/** The consumer registered at start: given keys, or a fresh 2048-bit pair whose private half is handed out. */
function defaultConsumer(options: JiraServerSimulatorOptions): { consumerKey: string; publicKeyPem: string; privateKeyPem: string | undefined } {
  const consumerKey = options.consumerKey ?? `switchboard-${randomHex(4)}`;
  if (options.publicKeyPem) return { consumerKey, publicKeyPem: options.publicKeyPem, privateKeyPem: options.privateKeyPem };
  if (options.privateKeyPem) {
    const privateKey = createPrivateKey(options.privateKeyPem);
    return { consumerKey, publicKeyPem: createPublicKey(privateKey).export({ type: "spki", format: "pem" }).toString(), privateKeyPem: options.privateKeyPem };
  }
  const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    consumerKey,
    publicKeyPem: pair.publicKey.export({ type: "spki", format: "pem" }).toString(),
    privateKeyPem: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
}

/** Starts a Jira Server / Data Center simulator (provider-contracts §3) on loopback. */
export async function startJiraServerSimulator(options: JiraServerSimulatorOptions = {}): Promise<StartedSimulator<JiraServerControl>> {
  let requestCounter = 0;
  let baseUrl = "";
  const server = new SimServer({
    name: "jira-server",
    port: options.port,
    host: options.host,
    commonHeaders: (clock) => {
      const now = new Date(clock.now());
      // Jira's request id: minute of the day, a request counter, and the node's counter.
      const minute = now.getUTCHours() * 60 + now.getUTCMinutes();
      return { date: now.toUTCString(), "x-arequestid": `${minute}x${++requestCounter}x1`, "x-content-type-options": "nosniff", "cache-control": "no-cache, no-store, no-transform" };
    },
    notFound: (req) => notFound(req, baseUrl),
  });
  const state = new JiraState(server.clock);
  const consumer = defaultConsumer(options);
  const configure = () => {
    state.consumers.register({ consumerKey: consumer.consumerKey, publicKeyPem: consumer.publicKeyPem, name: options.consumerName ?? "Switchboard", callbackUrl: options.consumerCallbackUrl });
    state.webhookTarget = options.webhookUrl;
    if (options.timestampWindowSeconds !== undefined) state.timestampWindowSeconds = options.timestampWindowSeconds;
    if (options.seed !== false) seedDefaults(state);
  };
  configure();
  const deliveries = new JiraDeliveries(server, state);
  const control = createJiraControl(server, state, deliveries);
  registerJiraControlRoutes(server, control);
  registerOAuthRoutes(server, state);
  registerIssueRoutes(server, state, deliveries);
  registerSearchRoutes(server, state);
  registerUserRoutes(server, state);
  registerMetaRoutes(server, state);
  registerWebhookRoutes(server, state);
  server.onReset(() => {
    state.clear();
    deliveries.clear();
    configure();
  });
  const url = await server.start();
  baseUrl = url;
  const credentials: Record<string, string> = {
    JIRA_SERVER_URL: url,
    JIRA_SERVER_CONSUMER_KEY: consumer.consumerKey,
  };
  if (consumer.privateKeyPem) credentials.JIRA_SERVER_PRIVATE_KEY = consumer.privateKeyPem;
  return { provider: "jira-server", url, credentials, control, server, stop: () => server.stop() };
}
