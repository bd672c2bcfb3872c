import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendAuthorized, type AuthScheme } from "../../src/auth/authorize.js";
import { sendHttp } from "../../src/platform/http/send-http.js";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function listen(handler: Handler): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const ALLOW = { allowedPrivateTargets: ["127.0.0.1"], backoffMs: 1 };

describe("sending outbound requests", () => {
  let target: { server: Server; url: string };
  let other: { server: Server; url: string };
  const hits: Array<{ path: string; authorization?: string }> = [];
  let failuresLeft = 0;

  beforeAll(async () => {
    other = await listen((req, res) => {
      hits.push({ path: `other:${req.url}`, authorization: req.headers.authorization });
      res.end("elsewhere");
    });
    target = await listen((req, res) => {
      hits.push({ path: req.url ?? "", authorization: req.headers.authorization });
      if (req.url === "/flaky" && failuresLeft > 0) {
        failuresLeft--;
        res.statusCode = 503;
        res.end();
        return;
      }
      if (req.url === "/moved") {
        res.writeHead(302, { location: "/here" }).end();
        return;
      }
      if (req.url === "/away") {
        res.writeHead(302, { location: `${other.url}/steal` }).end();
        return;
      }
      if (req.url?.startsWith("/slow")) {
        setTimeout(() => res.end("late"), 500);
        return;
      }
      if (req.url === "/protected") {
        res.statusCode = req.headers.authorization === "Bearer good" ? 200 : 401;
        res.end(res.statusCode === 200 ? "ok" : "no");
        return;
      }
      res.end(`at ${req.url}`);
    });
  });
  afterAll(async () => {
    target.server.close();
    other.server.close();
  });

  it("refuses a loopback target the configuration does not allow, before connecting", async () => {
    const before = hits.length;
    await expect(sendHttp({ method: "GET", url: `${target.url}/x`, headers: {} }, { allowedPrivateTargets: [] })).rejects.toMatchObject({ code: "outbound_target_forbidden" });
    expect(hits.length).toBe(before);
  });

  it("retries an idempotent request after a 503 and returns the answer that came", async () => {
    failuresLeft = 2;
    const response = await sendHttp({ method: "GET", url: `${target.url}/flaky`, headers: {} }, ALLOW);
    expect(response.status).toBe(200);
    expect(failuresLeft).toBe(0);
  });

  it("never retries a POST: a create could happen twice", async () => {
    failuresLeft = 1;
    const before = hits.filter((h) => h.path === "/flaky").length;
    const response = await sendHttp({ method: "POST", url: `${target.url}/flaky`, headers: {}, body: "{}" }, ALLOW);
    expect(response.status).toBe(503);
    expect(hits.filter((h) => h.path === "/flaky").length).toBe(before + 1);
  });

  it("follows a same-origin redirect", async () => {
    const response = await sendHttp({ method: "GET", url: `${target.url}/moved`, headers: {} }, ALLOW);
    expect(response.text).toBe("at /here");
  });

  it("refuses to follow a redirect to another host, so the credential never travels there", async () => {
    await expect(sendHttp({ method: "GET", url: `${target.url}/away`, headers: { authorization: "Bearer secret-token" } }, ALLOW)).rejects.toMatchObject({
      code: "outbound_redirect_refused",
    });
    expect(hits.some((h) => h.path.startsWith("other:"))).toBe(false);
  });

  it("gives up after the timeout with a typed error whose message has no query string", async () => {
    const error = await sendHttp({ method: "GET", url: `${target.url}/slow?jwt=secret-jwt`, headers: {}, timeoutMs: 100 }, { ...ALLOW, retries: 0 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "outbound_timeout" });
    expect(String((error as Error).message)).not.toContain("secret-jwt");
  });

  it("renews the credential once after a 401 and retries once, never more", async () => {
    const calls: Array<{ renew: boolean; rejected?: string }> = [];
    const tokens = ["stale", "good"];
    const scheme: AuthScheme = {
      async authorize(request, context) {
        calls.push(context);
        const token = tokens[Math.min(calls.length - 1, 1)] as string;
        return { request: { ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } }, marker: token };
      },
    };
    const response = await sendAuthorized(scheme, { method: "GET", url: `${target.url}/protected`, headers: {} }, ALLOW);
    expect(response.status).toBe(200);
    expect(calls).toEqual([{ renew: false }, { renew: true, rejected: "stale" }]);

    const always401: AuthScheme = { authorize: async (request) => ({ request: { ...request, headers: { ...request.headers, authorization: "Bearer bad" } }, marker: "bad" }) };
    const before = hits.filter((h) => h.path === "/protected").length;
    const refused = await sendAuthorized(always401, { method: "GET", url: `${target.url}/protected`, headers: {} }, ALLOW);
    expect(refused.status).toBe(401);
    expect(hits.filter((h) => h.path === "/protected").length).toBe(before + 2);
  });

  it("does not retry a 401 when the scheme says nothing can renew its credential", async () => {
    const before = hits.filter((h) => h.path === "/protected").length;
    const scheme: AuthScheme = { authorize: async (request) => ({ request }), shouldRenew: () => false };
    const response = await sendAuthorized(scheme, { method: "GET", url: `${target.url}/protected`, headers: {} }, ALLOW);
    expect(response.status).toBe(401);
    expect(hits.filter((h) => h.path === "/protected").length).toBe(before + 1);
  });
});
