import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createQueryStringHash, encodeSymmetric, fromMethodAndUrl } from "atlassian-jwt";
import type { BitbucketControl } from "../../../simulators/bitbucket/index.js";
import type { StartedSimulator } from "../../../simulators/shared/types.js";

export type BitbucketSim = StartedSimulator<BitbucketControl>;

export const APP_KEY = "switchboard.test.bitbucket";

/** A stand-in for the app: serves a Connect descriptor, records lifecycle callbacks and webhook deliveries. */
export interface TestApp {
  url: string;
  received: Array<{ method: string; path: string; headers: IncomingHttpHeaders; body: string }>;
  /** Status the lifecycle routes answer with. */
  lifecycleStatus: number;
  descriptor: Record<string, unknown>;
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startTestApp(scopes: string[] = ["account", "issue:write", "repository", "webhook"]): Promise<TestApp> {
  const app: Partial<TestApp> = { received: [], lifecycleStatus: 200 };
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      const path = req.url ?? "/";
      if (req.method === "GET" && path === "/extensions/bitbucket/descriptor/") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(app.descriptor));
        return;
      }
      app.received?.push({ method: req.method ?? "", path, headers: req.headers, body });
      const lifecycle = path.includes("installed");
      res.writeHead(lifecycle ? (app.lifecycleStatus ?? 200) : 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  app.url = url;
  // Sentry's descriptor shape (§4.1): root-relative lifecycle paths under a baseUrl with a trailing slash.
  app.descriptor = {
    key: APP_KEY,
    name: "Switchboard test app",
    baseUrl: `${url}/`,
    authentication: { type: "jwt" },
    lifecycle: { installed: "/extensions/bitbucket/installed/", uninstalled: "/extensions/bitbucket/uninstalled/" },
    scopes,
    contexts: ["account"],
  };
  app.waitFor = async (count, timeoutMs = 3000) => {
    const deadline = Date.now() + timeoutMs;
    while ((app.received?.length ?? 0) < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} requests, got ${app.received?.length ?? 0}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  app.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return app as TestApp;
}

/** An API JWT made with the independent `atlassian-jwt` package (§4.4): iss = app key, sub = clientKey. */
export function appToken(method: string, url: string, clientKey: string, secret: string, overrides: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: APP_KEY, iat: now, exp: now + 300, qsh: createQueryStringHash(fromMethodAndUrl(method, url)), sub: clientKey, ...overrides };
  return encodeSymmetric(claims, secret);
}

/** Calls the simulator's API as the installed app. */
export async function api(sim: BitbucketSim, method: string, path: string, body?: unknown, token?: string): Promise<Response> {
  const url = `${sim.url}${path}`;
  const jwt = token ?? appToken(method, url, sim.credentials.BITBUCKET_CLIENT_KEY as string, sim.credentials.BITBUCKET_SHARED_SECRET as string);
  return fetch(url, {
    method,
    headers: { authorization: `JWT ${jwt}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
