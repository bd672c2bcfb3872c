import { createHmac, createSign } from "node:crypto";
import { createServer, type Server } from "node:http";
import { createAppAuth } from "@octokit/auth-app";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGithubSimulator } from "../../../simulators/github/index.js";
import { signPayload } from "../../../simulators/github/sign-payload.js";
import type { StartedSimulator } from "../../../simulators/shared/types.js";
import type { GithubControl } from "../../../simulators/github/control.js";

function appJwt(privateKey: string, claims: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const input = `${enc({ alg: "RS256", typ: "JWT" })}.${enc(claims)}`;
  const signature = createSign("RSA-SHA256").update(input).sign(privateKey).toString("base64url");
  return `${input}.${signature}`;
}

describe("GitHub simulator (provider-contracts §1)", () => {
  let sim: StartedSimulator<GithubControl>;
  let receiver: Server;
  const received: Array<{ headers: Record<string, string | string[] | undefined>; body: string }> = [];
  let installationId: number;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
    const port = (receiver.address() as { port: number }).port;
    sim = await startGithubSimulator({ webhookUrl: `http://127.0.0.1:${port}/hook` });
    installationId = await sim.control.createInstallation("acme");
    sim.control.addRepository(installationId, "acme/web");
    sim.control.addUser("octocat");
  });
  afterAll(async () => {
    await sim.stop();
    await new Promise((r) => receiver.close(r));
  });

  const now = () => Math.floor(Date.now() / 1000);
  const key = () => sim.credentials.GITHUB_APP_PRIVATE_KEY as string;
  const appId = () => Number(sim.credentials.GITHUB_APP_ID);

  it("issues an installation token to @octokit/auth-app (§1.2)", async () => {
    const auth = createAppAuth({ appId: appId(), privateKey: key(), installationId, request: (await import("@octokit/request")).request.defaults({ baseUrl: sim.url }) });
    const result = await auth({ type: "installation" });
    expect(result.token).toMatch(/^ghs_/);
    expect(Date.parse(result.expiresAt) - Date.now()).toBeGreaterThan(3500_000);
  });

  it("refuses a JWT whose exp is 11 minutes after iat, with GitHub's message (§1.1, §1.4)", async () => {
    const jwt = appJwt(key(), { iat: now() - 60, exp: now() - 60 + 660, iss: appId() });
    const response = await fetch(`${sim.url}/app`, { headers: { authorization: `Bearer ${jwt}` } });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { message: string }).message).toBe("'Expiration time' claim ('exp') is too far in the future");
    expect(response.headers.get("date")).toBeTruthy();
  });

  it("refuses a JWT issued in the future and one signed by another key (§1.4)", async () => {
    const future = appJwt(key(), { iat: now() + 300, exp: now() + 500, iss: appId() });
    const r1 = await fetch(`${sim.url}/app`, { headers: { authorization: `Bearer ${future}` } });
    expect(((await r1.json()) as { message: string }).message).toMatch(/^'Issued at' claim/);
    const { generateKeyPairSync } = await import("node:crypto");
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
    const r2 = await fetch(`${sim.url}/app`, { headers: { authorization: `Bearer ${appJwt(other, { iat: now() - 30, exp: now() + 500, iss: appId() })}` } });
    expect(r2.status).toBe(401);
    expect(((await r2.json()) as { message: string }).message).toBe("A JSON web token could not be decoded");
  });

  it("judges JWT times by its own clock, which the control API can move (skew)", async () => {
    sim.server.clock.advance(20 * 60_000);
    try {
      const jwt = appJwt(key(), { iat: now() - 60, exp: now() + 540, iss: appId() });
      const response = await fetch(`${sim.url}/app`, { headers: { authorization: `Bearer ${jwt}` } });
      expect(response.status).toBe(401);
      expect(Date.parse(response.headers.get("date")!) - Date.now()).toBeGreaterThan(19 * 60_000);
    } finally {
      sim.server.clock.reset();
    }
  });

  it("requires an installation token on repository routes and answers Bad credentials otherwise", async () => {
    const response = await fetch(`${sim.url}/repos/acme/web`, { headers: { authorization: "token ghs_unknown" } });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { message: string }).message).toBe("Bad credentials");
  });

  it("signs deliveries with GitHub's headers; an assignment change delivers issues.assigned (§1.6)", async () => {
    const number = sim.control.createIssue("acme/web", "Crash on save");
    received.length = 0;
    await sim.control.assign("acme/web", number, ["octocat"]);
    expect(received).toHaveLength(1);
    const delivery = received[0]!;
    expect(delivery.headers["x-github-event"]).toBe("issues");
    expect(delivery.headers["user-agent"]).toMatch(/^GitHub-Hookshot\//);
    const expected = `sha256=${createHmac("sha256", sim.credentials.GITHUB_WEBHOOK_SECRET as string).update(delivery.body).digest("hex")}`;
    expect(delivery.headers["x-hub-signature-256"]).toBe(expected);
    const payload = JSON.parse(delivery.body) as { action: string; issue: { assignees: Array<{ login: string }> }; assignee: { login: string } };
    expect(payload.action).toBe("assigned");
    expect(payload.issue.assignees.map((a) => a.login)).toEqual(["octocat"]);
  });

  it("reproduces GitHub's documented signature test vector (§1.6)", () => {
    const { sha256, sha1 } = signPayload("It's a Secret to Everybody", "Hello, World!");
    expect(sha256).toBe("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
    expect(sha1).toBe("sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59");
  });

  it("answers 403 with rate-limit headers once the installation's budget is spent (§1.5)", async () => {
    const auth = createAppAuth({ appId: appId(), privateKey: key(), installationId, request: (await import("@octokit/request")).request.defaults({ baseUrl: sim.url }) });
    const { token } = await auth({ type: "installation" });
    sim.control.setRateLimit(2);
    try {
      const get = () => fetch(`${sim.url}/repos/acme/web`, { headers: { authorization: `token ${token}` } });
      expect((await get()).headers.get("x-ratelimit-remaining")).toBe("1");
      expect((await get()).status).toBe(200);
      const spent = await get();
      expect(spent.status).toBe(403);
      expect(spent.headers.get("x-ratelimit-remaining")).toBe("0");
    } finally {
      sim.control.setRateLimit(undefined);
    }
  });
});
