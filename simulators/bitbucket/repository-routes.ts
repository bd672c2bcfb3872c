import type { SimRequest, SimResponse, SimServer } from "../shared/sim-server.js";
import { bbError, fieldErrors } from "./errors.js";
import { paginate } from "./pagination.js";
import { renderHook, renderRepository, type LinkBase } from "./render.js";
import { appRoute, findRepo } from "./rest-context.js";
import { bbTime, braced, HOOK_EVENTS, type BbHook, type BitbucketState } from "./state.js";

const REPO = "/2.0/repositories/:workspace/:repo_slug";
const MAX_HOOKS = 50;
const KNOWN_EVENTS: ReadonlySet<string> = new Set(HOOK_EVENTS);

type HookFields = Partial<Pick<BbHook, "url" | "description" | "active" | "events">> & { secret?: string | null };

/** Validates a webhook subscription body; `create` requires url and events. */
function parseHookBody(req: SimRequest, create: boolean): { fields: HookFields } | { error: SimResponse } {
  const body = req.json;
  if (!body || typeof body !== "object" || Array.isArray(body)) return { error: bbError(400, "Bad request") };
  const b = body as Record<string, unknown>;
  const errors: Record<string, string[]> = {};
  const fields: HookFields = {};
  if (b.url !== undefined || create) {
    let ok = false;
    if (typeof b.url === "string") {
      try {
        ok = ["http:", "https:"].includes(new URL(b.url).protocol);
      } catch {
        ok = false;
      }
    }
    if (!ok) errors.url = ["Enter a valid URL."];
    else fields.url = b.url as string;
  }
  if (b.events !== undefined || create) {
    if (!Array.isArray(b.events) || b.events.length === 0) errors.events = ["This field is required."];
    else {
      const unknown = b.events.filter((e) => typeof e !== "string" || !KNOWN_EVENTS.has(e));
      if (unknown.length) errors.events = unknown.map((e) => `"${String(e)}" is not a valid event.`);
      else fields.events = [...new Set(b.events as string[])];
    }
  }
  if (b.description !== undefined) {
    if (typeof b.description !== "string") errors.description = ["Not a valid string."];
    else fields.description = b.description;
  }
  if (b.active !== undefined) {
    if (typeof b.active !== "boolean") errors.active = ["Must be a valid boolean."];
    else fields.active = b.active;
  }
  if (b.secret === null) fields.secret = null;
  else if (b.secret !== undefined) {
    if (typeof b.secret !== "string" || b.secret.length > 128) errors.secret = ["Ensure this value has at most 128 characters."];
    else fields.secret = b.secret;
  }
  if (Object.keys(errors).length) return { error: fieldErrors(errors) };
  return { fields };
}

/** Repository lookup and repository webhooks (`/hooks`), which need the `webhook` scope. */
export function registerRepositoryRoutes(server: SimServer, state: BitbucketState, base: () => LinkBase): void {
  const now = () => server.clock.nowSeconds();

  server.route("GET", REPO, appRoute(state, base, now, "repository", (req, ctx) => {
    const found = findRepo(req, state, ctx.installation);
    if ("error" in found) return found.error;
    return { status: 200, body: renderRepository(found.repo, state, ctx.base) };
  }));

  server.route("GET", `${REPO}/hooks`, appRoute(state, base, now, "webhook", (req, ctx) => {
    const found = findRepo(req, state, ctx.installation);
    if ("error" in found) return found.error;
    return paginate(req, ctx.base.api, [...found.repo.hooks.values()], (hook) => renderHook(hook, found.repo, ctx.base));
  }));

  server.route("POST", `${REPO}/hooks`, appRoute(state, base, now, "webhook", (req, ctx) => {
    const found = findRepo(req, state, ctx.installation);
    if ("error" in found) return found.error;
    const parsed = parseHookBody(req, true);
    if ("error" in parsed) return parsed.error;
    if (found.repo.hooks.size >= MAX_HOOKS) return bbError(400, `You can only have ${MAX_HOOKS} webhooks per repository.`);
    const f = parsed.fields;
    const hook: BbHook = {
      uuid: braced(),
      url: f.url as string,
      description: f.description ?? "",
      active: f.active ?? true,
      events: f.events as string[],
      secret: f.secret ?? undefined,
      createdAt: bbTime(server.clock.now()),
    };
    found.repo.hooks.set(hook.uuid, hook);
    const rendered = renderHook(hook, found.repo, ctx.base);
    return { status: 201, headers: { location: rendered.links.self.href }, body: rendered };
  }));

  const hookOf = (req: SimRequest, ctx: { installation: Parameters<typeof findRepo>[2] }) => {
    const found = findRepo(req, state, ctx.installation);
    if ("error" in found) return found;
    const hook = found.repo.hooks.get(braced(req.params.uid ?? ""));
    if (!hook) return { error: bbError(404, "Webhook not found") };
    return { repo: found.repo, hook };
  };

  server.route("GET", `${REPO}/hooks/:uid`, appRoute(state, base, now, "webhook", (req, ctx) => {
    const found = hookOf(req, ctx);
    if ("error" in found) return found.error;
    return { status: 200, body: renderHook(found.hook, found.repo, ctx.base) };
  }));

  server.route("PUT", `${REPO}/hooks/:uid`, appRoute(state, base, now, "webhook", (req, ctx) => {
    const found = hookOf(req, ctx);
    if ("error" in found) return found.error;
    const parsed = parseHookBody(req, false);
    if ("error" in parsed) return parsed.error;
    const { secret, ...rest } = parsed.fields;
    Object.assign(found.hook, rest);
    if (secret === null) found.hook.secret = undefined;
    else if (secret !== undefined) found.hook.secret = secret;
    return { status: 200, body: renderHook(found.hook, found.repo, ctx.base) };
  }));

  server.route("DELETE", `${REPO}/hooks/:uid`, appRoute(state, base, now, "webhook", (req, ctx) => {
    const found = hookOf(req, ctx);
    if ("error" in found) return found.error;
    found.repo.hooks.delete(found.hook.uuid);
    return { status: 204 };
  }));
}
