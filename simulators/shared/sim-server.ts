import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SimClock } from "./sim-clock.js";
import { FaultPlan, type FaultSpec } from "./fault-plan.js";
import { WebhookSender } from "./webhook-sender.js";

/** One request as the simulator received it, kept for the control API and for tests. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
  at: string;
}

/** What a route handler sees. `params` are the `:name` segments of its pattern. */
export interface SimRequest {
  method: string;
  url: URL;
  path: string;
  params: Record<string, string>;
  headers: Record<string, string>;
  rawBody: Buffer;
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  json: unknown;
  /** The body parsed as application/x-www-form-urlencoded. */
  form: URLSearchParams;
}

/** What a route handler answers. Objects are sent as JSON, strings as text. */
export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type SimHandler = (req: SimRequest) => SimResponse | Promise<SimResponse>;

interface Route {
  method: string;
  segments: string[];
  handler: SimHandler;
}

export interface SimServerOptions {
  name: string;
  port?: number;
  host?: string;
  /** Extra headers on every response (GitHub's `Date`, for example). */
  commonHeaders?: (clock: SimClock) => Record<string, string>;
  /** How an unknown route is answered, in the provider's own error shape. */
  notFound?: (req: SimRequest) => SimResponse;
}

/**
 * A small HTTP server for provider simulators: pattern routes, a recorded request log, fault
 * injection and a movable clock, plus the shared control API under `/_sim/`.
 */
export class SimServer {
  readonly name: string;
  readonly clock = new SimClock();
  readonly faults = new FaultPlan();
  readonly webhooks: WebhookSender;
  readonly requests: RecordedRequest[] = [];
  private readonly routes: Route[] = [];
  private readonly resetHooks: Array<() => void> = [];
  private server: Server | undefined;
  private baseUrl = "";

  constructor(private readonly options: SimServerOptions) {
    this.name = options.name;
    this.webhooks = new WebhookSender();
    this.registerControlRoutes();
  }

  /** Registers a provider route, e.g. `route("GET", "/repos/:owner/:repo/issues/:number", h)`. */
  route(method: string, pattern: string, handler: SimHandler): this {
    this.routes.push({ method: method.toUpperCase(), segments: splitPath(pattern), handler });
    return this;
  }

  /** Registers a control route under `/_sim/`; control calls are not recorded nor faulted. */
  control(method: string, name: string, handler: SimHandler): this {
    return this.route(method, `/_sim/${name}`, handler);
  }

  /** Registers what `reset` must also clear (provider state). */
  onReset(hook: () => void): this {
    this.resetHooks.push(hook);
    return this;
  }

  reset(): void {
    this.requests.length = 0;
    this.faults.clear();
    this.clock.reset();
    this.webhooks.clear();
    for (const hook of this.resetHooks) hook();
  }

  get url(): string {
    return this.baseUrl;
  }

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      void this.handle(req, res);
    });
    this.server = server;
    const host = this.options.host ?? "127.0.0.1";
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.options.port ?? 0, host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
    this.baseUrl = `http://${shownHost}:${address.port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private registerControlRoutes(): void {
    this.control("GET", "requests", () => ({ status: 200, body: { requests: this.requests } }));
    this.control("GET", "deliveries", () => ({ status: 200, body: { deliveries: this.webhooks.deliveries } }));
    this.control("POST", "reset", () => {
      this.reset();
      return { status: 204 };
    });
    this.control("POST", "fail", (req) => {
      const spec = req.json as Partial<FaultSpec> | undefined;
      if (!spec || typeof spec.count !== "number" || spec.count < 1) {
        return { status: 400, body: { error: "count (>= 1) is required" } };
      }
      this.faults.add({
        count: spec.count,
        status: typeof spec.status === "number" ? spec.status : undefined,
        body: spec.body,
        headers: spec.headers,
        delayMs: typeof spec.delayMs === "number" ? spec.delayMs : undefined,
        pathPrefix: typeof spec.pathPrefix === "string" ? spec.pathPrefix : undefined,
      });
      return { status: 204 };
    });
    this.control("POST", "clock", (req) => {
      const body = (req.json ?? {}) as { advanceSeconds?: unknown; offsetSeconds?: unknown };
      if (typeof body.advanceSeconds === "number") this.clock.advance(body.advanceSeconds * 1000);
      else if (typeof body.offsetSeconds === "number") this.clock.setOffset(body.offsetSeconds * 1000);
      else return { status: 400, body: { error: "advanceSeconds or offsetSeconds is required" } };
      return { status: 200, body: { now: new Date(this.clock.now()).toISOString() } };
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const rawBody = await readBody(req);
      const url = new URL(req.url ?? "/", "http://simulator.local");
      const headers = flattenHeaders(req);
      const method = (req.method ?? "GET").toUpperCase();
      const found = this.match(method, url.pathname);
      const simReq: SimRequest = {
        method,
        url,
        path: url.pathname,
        params: found?.params ?? {},
        headers,
        rawBody,
        json: parseJson(rawBody),
        form: new URLSearchParams(rawBody.toString("utf8")),
      };
      const isControl = url.pathname.startsWith("/_sim/");
      let response: SimResponse;
      if (!isControl) {
        this.requests.push({
          method,
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers,
          body: rawBody.toString("utf8"),
          at: new Date(this.clock.now()).toISOString(),
        });
        const fault = this.faults.take(url.pathname);
        if (fault?.delayMs) await sleep(fault.delayMs);
        if (fault?.status) {
          response = { status: fault.status, headers: fault.headers, body: fault.body ?? { message: "Simulated failure" } };
          this.send(res, response);
          return;
        }
      }
      if (!found) {
        response = this.options.notFound?.(simReq) ?? { status: 404, body: { message: "Not Found" } };
      } else {
        response = await found.route.handler(simReq);
      }
      this.send(res, response);
    } catch (error) {
      this.send(res, { status: 500, body: { message: `simulator error: ${(error as Error).message}` } });
    }
  }

  private match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    const segments = splitPath(path);
    for (const route of this.routes) {
      if (route.method !== method || route.segments.length !== segments.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < segments.length; i++) {
        const pattern = route.segments[i] as string;
        const actual = segments[i] as string;
        if (pattern.startsWith(":")) params[pattern.slice(1)] = decodeURIComponent(actual);
        else if (pattern !== actual) {
          ok = false;
          break;
        }
      }
      if (ok) return { route, params };
    }
    return undefined;
  }

  private send(res: ServerResponse, response: SimResponse): void {
    const headers: Record<string, string> = { ...(this.options.commonHeaders?.(this.clock) ?? {}), ...(response.headers ?? {}) };
    let payload: string | Buffer | undefined;
    if (response.body === undefined || response.body === null) payload = undefined;
    else if (Buffer.isBuffer(response.body)) payload = response.body;
    else if (typeof response.body === "string") {
      payload = response.body;
      headers["content-type"] ??= "text/plain; charset=utf-8";
    } else {
      payload = JSON.stringify(response.body);
      headers["content-type"] ??= "application/json; charset=utf-8";
    }
    res.writeHead(response.status, headers);
    res.end(payload);
  }
}

function splitPath(path: string): string[] {
  // Trailing slashes are significant for some providers; keep an empty last segment for them.
  const parts = path.split("/");
  parts.shift();
  return parts;
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    out[key.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
