import { SimServer } from "../shared/sim-server.js";
import type { StartedSimulator } from "../shared/types.js";
import { registerAccountRoutes } from "./account-routes.js";
import { createBitbucketControl, type BitbucketControl } from "./control.js";
import { registerBitbucketControlRoutes } from "./control-routes.js";
import { bbError } from "./errors.js";
import { registerInstallKeyRoutes, rotateInstallKey } from "./install-keys.js";
import { registerIssueRoutes } from "./issue-routes.js";
import type { LinkBase } from "./render.js";
import { registerRepositoryRoutes } from "./repository-routes.js";
import { seedDefaults } from "./seed.js";
import { BitbucketState } from "./state.js";

export type { BitbucketControl } from "./control.js";
export type { InstallOptions, LifecycleResult, LifecycleSigning } from "./lifecycle.js";

export interface BitbucketSimulatorOptions {
  port?: number;
  host?: string;
  /** Every issue event is also delivered here (as one more hook), besides the repositories' own hooks. */
  webhookUrl?: string;
  /** Secret for deliveries to `webhookUrl` (`X-Hub-Signature: sha256=...`); unsigned when absent. */
  webhookSecret?: string;
  /** The app to install when `install()` names none: its descriptor is `<appUrl>/extensions/bitbucket/descriptor/`. */
  appUrl?: string;
  /** Longest accepted `exp - iat` on the app's API JWTs (default 3600). */
  maxTokenLifetimeSeconds?: number;
  /** Refuse API calls outside the descriptor's scopes (default true, as Bitbucket does). */
  enforceScopes?: boolean;
  /** Base of `html` links (default: the simulator's URL). */
  webUrl?: string;
  /** Seed workspace `acme`, users `ada` and `grace`, repository `acme/backend` (default true; a reset re-seeds). */
  seed?: boolean;
}

const NONE = "(none yet: install the app with POST /_sim/install)";

/** Starts a Bitbucket Cloud simulator (provider-contracts §4): Connect lifecycle, JWT-checked 2.0 API, issue events. */
export async function startBitbucketSimulator(options: BitbucketSimulatorOptions = {}): Promise<StartedSimulator<BitbucketControl>> {
  const server = new SimServer({
    name: "bitbucket",
    port: options.port,
    host: options.host,
    commonHeaders: (clock) => ({ date: new Date(clock.now()).toUTCString(), "x-frame-options": "SAMEORIGIN", "x-content-type-options": "nosniff" }),
    notFound: (req) => bbError(404, `Resource not found: ${req.path}`),
  });
  const state = new BitbucketState(() => server.clock.now());
  state.webhookUrl = options.webhookUrl;
  state.webhookSecret = options.webhookSecret;
  state.maxTokenLifetimeSeconds = options.maxTokenLifetimeSeconds ?? 3600;
  state.enforceScopes = options.enforceScopes !== false;
  rotateInstallKey(state);
  const base = (): LinkBase => ({ api: server.url, web: options.webUrl ?? server.url });
  const control = createBitbucketControl(server, state, base, options.appUrl);
  registerBitbucketControlRoutes(server, control);
  registerInstallKeyRoutes(server, state);
  registerRepositoryRoutes(server, state, base);
  registerIssueRoutes(server, state, base);
  registerAccountRoutes(server, state, base);
  const seed = options.seed !== false;
  if (seed) seedDefaults(state);
  server.onReset(() => {
    state.clear();
    state.webhookUrl = options.webhookUrl;
    state.webhookSecret = options.webhookSecret;
    if (seed) seedDefaults(state);
  });
  const url = await server.start();
  const current = () => (state.lastClientKey ? state.installations.get(state.lastClientKey) : undefined);
  // Live values: the clientKey and secret exist only once the app has been installed.
  const credentials: Record<string, string> = {};
  Object.defineProperties(credentials, {
    BITBUCKET_API_URL: { enumerable: true, get: () => url },
    BITBUCKET_INSTALL_KEYS_URL: { enumerable: true, get: () => `${url}/install-keys/` },
    BITBUCKET_CLIENT_KEY: { enumerable: true, get: () => current()?.clientKey ?? NONE },
    BITBUCKET_SHARED_SECRET: { enumerable: true, get: () => current()?.sharedSecret ?? NONE },
  });
  return { provider: "bitbucket", url, credentials, control, server, stop: () => server.stop() };
}
