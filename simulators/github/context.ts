import type { SimServer } from "../shared/sim-server.js";
import type { GithubDeliveries } from "./deliver-webhook.js";
import type { EventContext } from "./events.js";
import type { RateLimits } from "./rate-limit.js";
import type { GithubState } from "./state.js";

/** The pieces every route and the control handle share. */
export interface GithubContext {
  server: SimServer;
  state: GithubState;
  limits: RateLimits;
  deliveries: GithubDeliveries;
}

/** The simulator's now, in epoch seconds (moves with `/_sim/clock`). */
export const nowSeconds = (ctx: GithubContext): number => ctx.server.clock.nowSeconds();

/** What payload builders need, taken at this moment. */
export function eventContext(ctx: GithubContext): EventContext {
  return { base: ctx.server.url, state: ctx.state, nowSeconds: nowSeconds(ctx) };
}
