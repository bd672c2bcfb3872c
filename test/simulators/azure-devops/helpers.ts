import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { StartedSimulator } from "../../../simulators/shared/types.js";
import type { AzureDevopsControl } from "../../../simulators/azure-devops/index.js";

export type AzureSim = StartedSimulator<AzureDevopsControl>;

type CredentialKey =
  | "AZURE_DEVOPS_APP_ID"
  | "AZURE_DEVOPS_CLIENT_SECRET"
  | "AZURE_DEVOPS_LIMITED_APP_ID"
  | "AZURE_DEVOPS_LIMITED_CLIENT_SECRET"
  | "AZURE_DEVOPS_ENTRA_CLIENT_ID"
  | "AZURE_DEVOPS_ENTRA_CLIENT_SECRET"
  | "AZURE_DEVOPS_REDIRECT_URL"
  | "AZURE_DEVOPS_ENTRA_REDIRECT_URL";

/** The simulator's credentials by name (every key is always present). */
export function credentials(sim: AzureSim): Record<CredentialKey, string> {
  return sim.credentials as Record<CredentialKey, string>;
}

export const JWT_BEARER_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
export const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/** A webhook receiver on loopback that records what it gets and answers with `status`. */
export interface Receiver {
  url: string;
  received: Array<{ path: string; headers: IncomingHttpHeaders; body: string }>;
  status: number;
  /** Resolves once `count` requests have arrived in total. */
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
  const port = (server.address() as AddressInfo).port;
  receiver.url = `http://127.0.0.1:${port}/extensions/vsts/issue-updated/`;
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

/** POSTs a form body to a token endpoint. */
export function postForm(url: string, fields: Record<string, string>, contentType = "application/x-www-form-urlencoded"): Promise<Response> {
  return fetch(url, { method: "POST", headers: { "content-type": contentType }, body: new URLSearchParams(fields).toString() });
}

/** Runs the legacy authorize + code exchange (§2.1) and returns the token response. */
export async function legacyLogin(sim: AzureSim, scopes = "vso.code vso.graph vso.serviceendpoint_manage vso.work_write"): Promise<Record<string, string>> {
  const c = credentials(sim);
  const authorize = await fetch(
    `${sim.url}/oauth2/authorize?${new URLSearchParams({ client_id: c.AZURE_DEVOPS_APP_ID, response_type: "Assertion", state: "s1", scope: scopes, redirect_uri: c.AZURE_DEVOPS_REDIRECT_URL })}`,
    { redirect: "manual" },
  );
  const code = new URL(authorize.headers.get("location") ?? "http://x/").searchParams.get("code");
  if (!code) throw new Error(`authorize gave no code (${authorize.status})`);
  const response = await postForm(`${sim.url}/oauth2/token`, {
    client_assertion_type: JWT_BEARER_ASSERTION_TYPE,
    client_assertion: c.AZURE_DEVOPS_CLIENT_SECRET,
    grant_type: JWT_BEARER_GRANT,
    assertion: code,
    redirect_uri: c.AZURE_DEVOPS_REDIRECT_URL,
  });
  if (response.status !== 200) throw new Error(`code exchange failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, string>;
}

/** The legacy refresh request exactly as Sentry sends it (sentry-behaviour §1.5). */
export function legacyRefresh(sim: AzureSim, refreshToken: string, clientSecret = credentials(sim).AZURE_DEVOPS_CLIENT_SECRET): Promise<Response> {
  return postForm(`${sim.url}/oauth2/token`, {
    client_assertion_type: JWT_BEARER_ASSERTION_TYPE,
    client_assertion: clientSecret,
    grant_type: "refresh_token",
    assertion: refreshToken,
    redirect_uri: credentials(sim).AZURE_DEVOPS_REDIRECT_URL,
  });
}

/** The headers Sentry's VSTS client sends on every REST call (§2.2). */
export function restHeaders(accessToken: string, method = "GET", version = "4.1"): Record<string, string> {
  return {
    authorization: `Bearer ${accessToken}`,
    accept: `application/json; api-version=${version}`,
    "content-type": method === "PATCH" ? "application/json-patch+json" : "application/json",
    "x-http-method-override": method,
    "x-tfs-fedauthredirect": "Suppress",
  };
}
