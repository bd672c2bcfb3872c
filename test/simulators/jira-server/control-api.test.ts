import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startJiraServerSimulator } from "../../../simulators/jira-server/index.js";
import { formOf, rest, rsaSigner, signedFetch, startReceiver, type JiraSim, type Receiver } from "./helpers.js";

const pem = () => {
  const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { publicKeyPem: pair.publicKey.export({ type: "spki", format: "pem" }).toString(), privateKeyPem: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
};

describe("Jira Server simulator: the /_sim/ control API and start options (provider-contracts §3)", () => {
  let sim: JiraSim;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    sim = await startJiraServerSimulator({ consumerKey: "switchboard-test" });
  });
  afterAll(async () => {
    await sim.stop();
    await receiver.close();
  });
  beforeEach(() => {
    sim.server.reset();
    receiver.received.length = 0;
  });

  const control = async (method: string, name: string, body?: unknown) => {
    const response = await fetch(`${sim.url}/_sim/${name}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it("starts with a generated key pair: the consumer key and the private key PEM are in the credentials (§3.1)", () => {
    expect(sim.credentials.JIRA_SERVER_URL).toBe(sim.url);
    expect(sim.credentials.JIRA_SERVER_CONSUMER_KEY).toBe("switchboard-test");
    expect(sim.credentials.JIRA_SERVER_PRIVATE_KEY).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it("registers a consumer over HTTP, whose requests are then accepted (§3.1)", async () => {
    const keys = pem();
    expect(await control("POST", "consumers", { consumerKey: "second-app", publicKeyPem: keys.publicKeyPem, name: "Second" })).toEqual({ status: 200, body: { consumerKey: "second-app" } });
    const response = await signedFetch(sim, { method: "POST", path: "/plugins/servlet/oauth/request-token", signer: rsaSigner("second-app", keys.privateKeyPem), oauth: { oauth_callback: "oob" } });
    expect(response.status).toBe(200);
    const listed = await control("GET", "consumers");
    expect((listed.body.consumers as Array<{ consumerKey: string }>).map((c) => c.consumerKey)).toEqual(["switchboard-test", "second-app"]);
  });

  it("refuses a consumer whose key is not an RSA public key with 400 (§3.1)", async () => {
    const result = await control("POST", "consumers", { consumerKey: "bad", publicKeyPem: "not a key" });
    expect(result.status).toBe(400);
    expect(result.body.error).toEqual(expect.any(String));
  });

  it("removes a consumer, after which its tokens are refused (§3.1)", async () => {
    const issued = await control("POST", "access-tokens", { username: "jdoe" });
    expect((await control("DELETE", "consumers/switchboard-test")).body).toEqual({ removed: true });
    const response = await rest(sim, { key: issued.body.token as string, secret: issued.body.tokenSecret as string }, "GET", "/rest/api/2/myself");
    expect(await response.text()).toBe("oauth_problem=token_rejected");
  });

  it("issues and revokes access tokens over HTTP (§3.1)", async () => {
    const issued = await control("POST", "access-tokens", { username: "jdoe" });
    expect(issued.body).toMatchObject({ token: expect.stringMatching(/^[A-Za-z0-9]{32}$/), tokenSecret: expect.stringMatching(/^[A-Za-z0-9]{32}$/), consumerKey: "switchboard-test", username: "jdoe" });
    const token = { key: issued.body.token as string, secret: issued.body.tokenSecret as string };
    expect(await (await rest(sim, token, "GET", "/rest/api/2/myself")).json()).toMatchObject({ name: "jdoe" });
    expect((await control("POST", "revoke-access-token", { token: token.key })).body).toEqual({ revoked: true });
    expect(await (await rest(sim, token, "GET", "/rest/api/2/myself")).text()).toBe("oauth_problem=token_rejected");
  });

  it("narrows the timestamp window over HTTP (§3.1)", async () => {
    const token = sim.control.issueAccessToken({ username: "admin" });
    await control("POST", "timestamp-window", { seconds: 10 });
    await control("POST", "clock", { advanceSeconds: 11 });
    const response = await rest(sim, { key: token.token, secret: token.tokenSecret }, "GET", "/rest/api/2/myself");
    expect(response.status).toBe(400);
    expect(formOf(await response.text()).oauth_problem).toBe("timestamp_refused");
  });

  it("seeds a user without e-mail, creates, assigns, transitions and shows an issue over HTTP, with deliveries (§3.4)", async () => {
    expect((await control("POST", "users", { name: "noemail", displayName: "No Email", emailAddress: null })).body).not.toHaveProperty("emailAddress");
    await control("POST", "webhooks", { url: `${receiver.url}/hook/token/` });
    const created = await control("POST", "issues", { project: "SWB", summary: "From control", assignee: "noemail" });
    expect(created.body).toMatchObject({ id: "10000", key: "SWB-1" });
    const assigned = await control("POST", "issues/SWB-1/assign", { username: "jdoe" });
    expect(assigned.body.deliveries).toEqual([expect.objectContaining({ status: 200, url: `${receiver.url}/hook/token/?user_id=admin&user_key=JIRAUSER10000` })]);
    await control("POST", "issues/SWB-1/assign", { username: null, by: "paul" });
    await control("POST", "issues/SWB-1/transition", { status: "In Progress" });
    const issue = await control("GET", "issues/SWB-1");
    expect(issue.body).toMatchObject({ key: "SWB-1", fields: { assignee: null, status: { name: "In Progress" } } });
    expect((issue.body.changelog as { total: number }).total).toBe(3);
    expect(receiver.received).toHaveLength(4);
  });

  it("answers bad control input with 400 {error} (§3)", async () => {
    await control("POST", "issues", { project: "SWB", summary: "x" });
    expect(await control("POST", "issues/SWB-1/transition", { status: "Nowhere" })).toEqual({ status: 400, body: { error: "unknown status Nowhere" } });
    expect((await control("POST", "issues/SWB-9/assign", { username: "jdoe" })).status).toBe(400);
    expect(await control("POST", "issues/SWB-1/assign", { username: "ghost" })).toEqual({ status: 400, body: { error: "assignee: User 'ghost' does not exist." } });
    expect((await control("POST", "issues/SWB-1/assign", {})).status).toBe(400);
    expect((await control("POST", "projects", { key: "SWB" })).status).toBe(400);
  });

  it("sends deliveries to the webhook target set over HTTP (§3.4)", async () => {
    await control("POST", "webhook-target", { url: `${receiver.url}/target/` });
    await control("POST", "issues", { project: "SWB", summary: "x" });
    expect(receiver.received.map((r) => r.path)).toEqual(["/target/?user_id=admin&user_key=JIRAUSER10000"]);
  });

  it("resets to the seeded state, keeping the consumer from the start options (§3.1)", async () => {
    await control("POST", "issues", { project: "SWB", summary: "x" });
    await control("POST", "users", { name: "extra" });
    expect((await fetch(`${sim.url}/_sim/reset`, { method: "POST" })).status).toBe(204);
    const token = sim.control.issueAccessToken({ username: "admin" });
    const auth = { key: token.token, secret: token.tokenSecret };
    expect((await rest(sim, auth, "GET", "/rest/api/2/issue/SWB-1")).status).toBe(404);
    expect((await rest(sim, auth, "GET", "/rest/api/2/user", { query: { username: "extra" } })).status).toBe(404);
    expect((await rest(sim, auth, "GET", "/rest/api/2/user", { query: { username: "jdoe" } })).status).toBe(200);
  });

  it("registers a given public key as the consumer and hands out no private key (§3.1)", async () => {
    const keys = pem();
    const other = await startJiraServerSimulator({ consumerKey: "given", publicKeyPem: keys.publicKeyPem, seed: false });
    try {
      expect(other.credentials).toEqual({ JIRA_SERVER_URL: other.url, JIRA_SERVER_CONSUMER_KEY: "given" });
      const response = await signedFetch(other, { method: "POST", path: "/plugins/servlet/oauth/request-token", signer: rsaSigner("given", keys.privateKeyPem), oauth: { oauth_callback: "oob" } });
      expect(response.status).toBe(200);
    } finally {
      await other.stop();
    }
  });
});
