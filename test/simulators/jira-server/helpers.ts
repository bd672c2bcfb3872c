import { createPrivateKey, sign } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import OAuth from "oauth-1.0a";
import type { JiraServerControl } from "../../../simulators/jira-server/index.js";
import type { StartedSimulator } from "../../../simulators/shared/types.js";

export type JiraSim = StartedSimulator<JiraServerControl>;

/** An independent OAuth 1.0a signer: the `oauth-1.0a` package with RSA-SHA1 done by node:crypto. */
export function rsaSigner(consumerKey: string, privateKeyPem: string): OAuth {
  const key = createPrivateKey(privateKeyPem);
  return new OAuth({
    consumer: { key: consumerKey, secret: "" },
    signature_method: "RSA-SHA1",
    hash_function: (baseString) => sign("sha1", Buffer.from(baseString, "utf8"), key).toString("base64"),
  });
}

/** The signer for the consumer the simulator registered at start. */
export function simSigner(sim: JiraSim): OAuth {
  return rsaSigner(sim.credentials.JIRA_SERVER_CONSUMER_KEY as string, sim.credentials.JIRA_SERVER_PRIVATE_KEY as string);
}

export interface SignedRequest {
  method?: string;
  path: string;
  query?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
  token?: OAuth.Token;
  /** Extra `oauth_*` parameters (`oauth_callback`, `oauth_verifier`): signed and sent in the header. */
  oauth?: Record<string, string>;
  signer?: OAuth;
}

/** A signed request ready to send (and to send again, for replay tests). */
export interface Prepared {
  url: string;
  init: RequestInit & { headers: Record<string, string> };
  authorization: OAuth.Authorization;
}

function queryString(query: Record<string, string> | undefined): string {
  if (!query) return "";
  const parts = Object.entries(query).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return parts.length ? `?${parts.join("&")}` : "";
}

/** Signs a request as Sentry's client does: OAuth parameters in the `Authorization` header (§3.1). */
export function prepareSigned(sim: JiraSim, input: SignedRequest): Prepared {
  const signer = input.signer ?? simSigner(sim);
  const method = input.method ?? "GET";
  const url = `${sim.url}${input.path}${queryString(input.query)}`;
  const data: Record<string, string> = { ...(input.form ?? {}), ...(input.oauth ?? {}) };
  const authorization = signer.authorize({ url, method, data }, input.token);
  const header = signer.toHeader({ ...authorization, ...(input.oauth ?? {}) } as OAuth.Authorization);
  const headers: Record<string, string> = { authorization: header.Authorization };
  let body: string | undefined;
  if (input.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(input.json);
  } else if (input.form) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = Object.entries(input.form).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
  }
  return { url, init: { method, headers, body }, authorization };
}

/** Signs and sends a request. */
export function signedFetch(sim: JiraSim, input: SignedRequest): Promise<Response> {
  const prepared = prepareSigned(sim, input);
  return fetch(prepared.url, prepared.init);
}

/** An access token for `username` (default `admin`) issued through the control API. */
export function accessToken(sim: JiraSim, username = "admin"): OAuth.Token {
  const issued = sim.control.issueAccessToken({ username });
  return { key: issued.token, secret: issued.tokenSecret };
}

/** A signed REST call with an access token. */
export function rest(sim: JiraSim, token: OAuth.Token, method: string, path: string, extra: Omit<SignedRequest, "method" | "path" | "token"> = {}): Promise<Response> {
  return signedFetch(sim, { ...extra, method, path, token });
}

/** Parses a form-encoded body into an object. */
export function formOf(text: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(text));
}

/** A webhook receiver on loopback that records what it gets and answers with `status`. */
export interface Receiver {
  url: string;
  received: Array<{ path: string; headers: IncomingHttpHeaders; body: string }>;
  status: number;
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Receiver["received"] = [];
  const waiters: Array<() => void> = [];
  const receiver: Partial<Receiver> = { received, status: 200 };
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      received.push({ path: req.url ?? "/", headers: req.headers, body });
      res.writeHead(receiver.status ?? 200).end();
      for (const wake of waiters.splice(0)) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.waitFor = async (count, timeoutMs = 3000) => {
    const deadline = Date.now() + timeoutMs;
    while (received.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} deliveries, got ${received.length}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  };
  receiver.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return receiver as Receiver;
}
