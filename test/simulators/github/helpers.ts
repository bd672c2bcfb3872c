import { createSign } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { GithubControl } from "../../../simulators/github/control.js";
import { startGithubSimulator, type GithubSimulatorOptions } from "../../../simulators/github/index.js";
import type { StartedSimulator } from "../../../simulators/shared/types.js";

export type GithubSim = StartedSimulator<GithubControl>;

/** Signs an RS256 JWT with any claims and header (to build the malformed ones too). */
export function signJwt(privateKey: string, claims: Record<string, unknown>, header: Record<string, unknown> = { alg: "RS256", typ: "JWT" }): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const input = `${enc(header)}.${enc(claims)}`;
  return `${input}.${createSign("RSA-SHA256").update(input).sign(privateKey).toString("base64url")}`;
}

/** Epoch seconds on the test machine's clock. */
export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Waits until the current second is young, so that a boundary test's request lands in the same second. */
export async function earlyInSecond(): Promise<void> {
  while (Date.now() % 1000 > 600) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** A JWT as a well-behaved client signs it (`iat = now - 60`, `exp = now + 540`). */
export function goodJwt(sim: GithubSim, overrides: Record<string, unknown> = {}): string {
  const now = nowSeconds();
  return signJwt(sim.credentials.GITHUB_APP_PRIVATE_KEY!, { iat: now - 60, exp: now + 540, iss: Number(sim.credentials.GITHUB_APP_ID), ...overrides });
}

export interface ReceivedDelivery {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A loopback webhook receiver that records what it gets and answers 204 (or a chosen status). */
export class Receiver {
  readonly received: ReceivedDelivery[] = [];
  status = 204;
  private server: Server | undefined;
  private waiters: Array<() => void> = [];
  url = "";

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        this.received.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
        res.writeHead(this.status).end();
        for (const wake of this.waiters.splice(0)) wake();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/extensions/github/webhook/`;
    return this.url;
  }

  /** Waits until at least `count` deliveries have arrived (or fails after `ms`). */
  async waitFor(count: number, ms = 3000): Promise<ReceivedDelivery[]> {
    const deadline = Date.now() + ms;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} deliveries, got ${this.received.length}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return this.received;
  }

  clear(): void {
    this.received.length = 0;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

/** Parsed JSON body of a received delivery. */
export const payloadOf = (d: ReceivedDelivery) => JSON.parse(d.body) as Record<string, unknown> & { action?: string };

/** Starts a simulator (and optionally a receiver as its webhook target). */
export async function startSim(options: GithubSimulatorOptions = {}): Promise<GithubSim> {
  return startGithubSimulator({ port: 0, ...options });
}

/** Calls the simulator's API with a token and optional JSON body. */
export async function api(sim: GithubSim, method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; headers: Headers; json: Record<string, unknown> & { message?: string } }> {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: {
      accept: "application/vnd.github+json",
      "x-github-api-version": "2022-11-28",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
