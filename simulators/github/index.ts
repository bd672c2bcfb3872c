import { randomBytes } from "node:crypto";
import { SimServer } from "../shared/sim-server.js";
import type { StartedSimulator } from "../shared/types.js";
import { registerAppRoutes } from "./app-routes.js";
import type { GithubContext } from "./context.js";
import { createGithubControl, type GithubControl } from "./control.js";
import { registerGithubControlRoutes } from "./control-routes.js";
import { GithubDeliveries } from "./deliver-webhook.js";
import { notFound } from "./errors.js";
import { registerIssueRoutes } from "./issue-routes.js";
import { RateLimits } from "./rate-limit.js";
import { registerRepoRoutes } from "./repo-routes.js";
import { registerSearchRoutes } from "./search-routes.js";
import { GithubState } from "./state.js";

export type { GithubControl } from "./control.js";
export { signPayload } from "./sign-payload.js";

export interface GithubSimulatorOptions {
  port?: number;
  host?: string;
  /** Where deliveries go (Switchboard's `/extensions/github/webhook/`); none are sent without it. */
  webhookUrl?: string;
  /** The app's numeric id; random 6 digits when absent. */
  appId?: number;
  /** The app's client id (`Iv23li…`); generated when absent. */
  clientId?: string;
  slug?: string;
  /** The app's RSA private key (PEM, PKCS#1 or PKCS#8); a 2048-bit PKCS#1 key is generated when absent. */
  privateKeyPem?: string;
  webhookSecret?: string;
  /** Installation token lifetime in seconds (GitHub: 3600). */
  tokenLifetimeSeconds?: number;
  /** `classic` (`ghs_` + 36 characters, default) or `stateless` (`ghs_<APPID>_<JWT>`). */
  tokenFormat?: "classic" | "stateless";
}

/** Starts a GitHub App simulator (provider-contracts §1) on loopback. */
export async function startGithubSimulator(options: GithubSimulatorOptions = {}): Promise<StartedSimulator<GithubControl>> {
  const server = new SimServer({
    name: "github",
    port: options.port,
    host: options.host,
    // GitHub dates every response from its own clock; clients correct JWT skew from it (§1.4).
    commonHeaders: (clock) => ({
      date: new Date(clock.now()).toUTCString(),
      server: "github.com",
      "x-github-media-type": "github.v3; format=json",
      "x-github-api-version-selected": "2022-11-28",
      "x-github-request-id": requestId(),
    }),
    notFound: () => notFound(),
  });
  const state = new GithubState(options, server.clock.nowSeconds());
  const ctx: GithubContext = { server, state, limits: new RateLimits(server.clock), deliveries: new GithubDeliveries(server, state) };
  registerAppRoutes(ctx);
  registerRepoRoutes(ctx);
  registerIssueRoutes(ctx);
  registerSearchRoutes(ctx);
  const control = createGithubControl(ctx);
  registerGithubControlRoutes(server, control);
  server.onReset(() => {
    state.clear();
    ctx.limits.clear();
    ctx.deliveries.clear();
  });
  const url = await server.start();
  return {
    provider: "github",
    url,
    credentials: {
      // The environment variables Switchboard reads (README "Trying it end to end").
      GITHUB_APP_ID: String(state.appId),
      GITHUB_APP_PRIVATE_KEY: state.privateKeyPem,
      GITHUB_WEBHOOK_SECRET: state.webhookSecret,
      GITHUB_API_URL: url,
      GITHUB_CLIENT_ID: state.clientId,
      GITHUB_APP_SLUG: state.slug,
    },
    control,
    server,
    stop: () => server.stop(),
  };
}

/** `X-GitHub-Request-Id`-shaped: five hex groups separated by colons. */
function requestId(): string {
  const hex = randomBytes(12).toString("hex").toUpperCase();
  return [hex.slice(0, 4), hex.slice(4, 8), hex.slice(8, 14), hex.slice(14, 20), hex.slice(20, 24)].join(":");
}
