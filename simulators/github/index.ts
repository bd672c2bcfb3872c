import { SimServer } from "../shared/sim-server.js";
import type { StartedSimulator } from "../shared/types.js";
import { createGithubControl, registerGithubControlRoutes, type GithubControl } from "./control.js";
import { registerGithubRoutes } from "./routes.js";
import { GithubState } from "./state.js";

export interface GithubSimulatorOptions {
  port?: number;
  host?: string;
  appId?: number;
  privateKeyPem?: string;
  webhookSecret?: string;
  /** Where deliveries go (Switchboard's `/extensions/github/webhook/`). */
  webhookUrl?: string;
}

/** Starts a GitHub App simulator (provider-contracts §1) on loopback. */
export async function startGithubSimulator(options: GithubSimulatorOptions = {}): Promise<StartedSimulator<GithubControl>> {
  const state = new GithubState(options);
  const server = new SimServer({
    name: "github",
    port: options.port,
    host: options.host,
    // GitHub dates every response; clients correct clock skew from it (§1.4).
    commonHeaders: (clock) => ({ date: new Date(clock.now()).toUTCString(), "x-github-media-type": "github.v3; format=json" }),
    notFound: () => ({ status: 404, body: { message: "Not Found", documentation_url: "https://docs.github.com/rest", status: "404" } }),
  });
  registerGithubRoutes(server, state);
  const control = createGithubControl(server, state);
  registerGithubControlRoutes(server, control);
  server.onReset(() => state.clear());
  const url = await server.start();
  return {
    provider: "github",
    url,
    credentials: {
      GITHUB_APP_ID: String(state.appId),
      GITHUB_APP_CLIENT_ID: state.clientId,
      GITHUB_APP_PRIVATE_KEY: state.privateKeyPem,
      GITHUB_WEBHOOK_SECRET: state.webhookSecret,
      GITHUB_API_URL: url,
    },
    control,
    server,
    stop: () => server.stop(),
  };
}
