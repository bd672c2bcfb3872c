import { generateKeyPairSync } from "node:crypto";
import OAuth from "oauth-1.0a";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startJiraServerSimulator } from "../../../simulators/jira-server/index.js";
import { accessToken, formOf, prepareSigned, rest, rsaSigner, simSigner, signedFetch, type JiraSim } from "./helpers.js";

/** Replaces one character in the middle of a base64 signature (a forged or corrupted signature). */
function tamper(signature: string): string {
  const i = Math.floor(signature.length / 2);
  return signature.slice(0, i) + (signature[i] === "A" ? "B" : "A") + signature.slice(i + 1);
}

/** A signer whose nonce and timestamp are fixed, to replay or vary them on purpose. */
function fixedSigner(sim: JiraSim, nonce: string, timestamp: number): OAuth {
  const signer = simSigner(sim);
  signer.getNonce = () => nonce;
  signer.getTimeStamp = () => timestamp;
  return signer;
}

describe("Jira Server simulator: every REST call's OAuth 1.0a RSA-SHA1 signature is checked (provider-contracts §3.1, §3.2)", () => {
  let sim: JiraSim;
  let token: OAuth.Token;

  beforeAll(async () => {
    sim = await startJiraServerSimulator();
  });
  afterAll(() => sim.stop());
  beforeEach(() => {
    sim.server.reset();
    token = accessToken(sim);
  });

  it("accepts a request signed by the oauth-1.0a package with RSA-SHA1 through node:crypto (§3.1)", async () => {
    const response = await rest(sim, token, "GET", "/rest/api/2/myself");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ name: "admin", key: "JIRAUSER10000", emailAddress: "admin@example.com" });
  });

  it("refuses the same request replayed with its nonce: 401 nonce_used in the header and the form body (§3.1)", async () => {
    const prepared = prepareSigned(sim, { path: "/rest/api/2/myself", token });
    expect((await fetch(prepared.url, prepared.init)).status).toBe(200);
    const replay = await fetch(prepared.url, prepared.init);
    expect(replay.status).toBe(401);
    const realm = encodeURIComponent(sim.url);
    expect(replay.headers.get("www-authenticate")).toBe(`OAuth realm="${realm}", oauth_problem="nonce_used"`);
    expect(replay.headers.get("content-type")).toMatch(/^application\/x-www-form-urlencoded/);
    expect(await replay.text()).toBe("oauth_problem=nonce_used");
  });

  it("accepts the retry once it is signed again with a new nonce (§3.1: every retry must re-sign)", async () => {
    const prepared = prepareSigned(sim, { path: "/rest/api/2/myself", token });
    await fetch(prepared.url, prepared.init);
    expect((await fetch(prepared.url, prepared.init)).status).toBe(401);
    expect((await rest(sim, token, "GET", "/rest/api/2/myself")).status).toBe(200);
  });

  it("refuses a tampered signature with signature_invalid and echoes the base string it computed (§3.1, §3.2)", async () => {
    const signer = simSigner(sim);
    const prepared = prepareSigned(sim, { path: "/rest/api/2/issue/SWB-1", token, signer });
    const signature = prepared.authorization.oauth_signature;
    const forged = { ...prepared.authorization, oauth_signature: tamper(signature) };
    const response = await fetch(prepared.url, { headers: { authorization: signer.toHeader(forged).Authorization } });
    expect(response.status).toBe(401);
    const body = formOf(await response.text());
    const { oauth_signature: _ignored, ...signedData } = prepared.authorization;
    expect(body).toEqual({
      oauth_problem: "signature_invalid",
      oauth_signature: tamper(signature),
      oauth_signature_base_string: signer.getBaseString({ url: prepared.url, method: "GET", data: {} }, signedData as OAuth.Data),
      oauth_signature_method: "RSA-SHA1",
    });
    expect(response.headers.get("www-authenticate")).toContain('oauth_problem="signature_invalid"');
  });

  it("refuses a request signed with another private key than the Application Link's public key (§3.1)", async () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const response = await signedFetch(sim, { path: "/rest/api/2/myself", token, signer: rsaSigner(sim.credentials.JIRA_SERVER_CONSUMER_KEY as string, other) });
    expect(response.status).toBe(401);
    expect(formOf(await response.text()).oauth_problem).toBe("signature_invalid");
  });

  it("signs query parameters: a JQL query with spaces and quotes passes, one changed after signing fails (§3.2 rule 3)", async () => {
    const jql = 'project = SWB AND summary ~ "crash (again)!" ORDER BY key DESC';
    expect((await rest(sim, token, "GET", "/rest/api/2/search", { query: { jql, maxResults: "10" } })).status).toBe(200);
    const prepared = prepareSigned(sim, { path: "/rest/api/2/search", query: { jql }, token });
    const altered = prepared.url.replace("SWB", "XYZ");
    const response = await fetch(altered, prepared.init);
    expect(response.status).toBe(401);
    expect(formOf(await response.text()).oauth_signature_base_string).toContain("XYZ");
  });

  it("decodes '+' in the query as a space, as form encoding says (§3.2 rule 4)", async () => {
    const prepared = prepareSigned(sim, { path: "/rest/api/2/user/search", query: { username: "john doe" }, token });
    const plus = prepared.url.replace("john%20doe", "john+doe");
    expect((await fetch(plus, prepared.init)).status).toBe(200);
  });

  it("does not sign a JSON body: creating an issue signed over method, URL and OAuth parameters only (§3.2 rule 3)", async () => {
    const response = await rest(sim, token, "POST", "/rest/api/2/issue", { json: { fields: { project: { key: "SWB" }, summary: "Crash on save", issuetype: { name: "Bug" } } } });
    expect(response.status).toBe(201);
  });

  it("refuses a timestamp more than 5 minutes from the simulator's clock with 400 timestamp_refused and the acceptable range (§3.1)", async () => {
    sim.server.clock.advance(301_000);
    const response = await rest(sim, token, "GET", "/rest/api/2/myself");
    expect(response.status).toBe(400);
    const body = formOf(await response.text());
    expect(body.oauth_problem).toBe("timestamp_refused");
    const [min, max] = (body.oauth_acceptable_timestamps ?? "").split("-").map(Number);
    const now = sim.server.clock.nowSeconds();
    expect(Math.abs((min as number) - (now - 300))).toBeLessThanOrEqual(1);
    expect(Math.abs((max as number) - (now + 300))).toBeLessThanOrEqual(1);
    expect(response.headers.get("www-authenticate")).toMatch(/oauth_problem="timestamp_refused", oauth_acceptable_timestamps="\d+-\d+"/);
  });

  it("accepts a timestamp just inside the window, either side (§3.1)", async () => {
    sim.server.clock.advance(295_000);
    expect((await rest(sim, token, "GET", "/rest/api/2/myself")).status).toBe(200);
    sim.server.clock.advance(-590_000);
    expect((await rest(sim, token, "GET", "/rest/api/2/myself")).status).toBe(200);
  });

  it("uses up a nonce even when the signature then fails, as net.oauth records it first (§3.1)", async () => {
    const signer = fixedSigner(sim, "n0nce-burnt", Math.floor(Date.now() / 1000));
    const prepared = prepareSigned(sim, { path: "/rest/api/2/myself", token, signer });
    const forged = signer.toHeader({ ...prepared.authorization, oauth_signature: tamper(prepared.authorization.oauth_signature) }).Authorization;
    expect(formOf(await (await fetch(prepared.url, { headers: { authorization: forged } })).text()).oauth_problem).toBe("signature_invalid");
    const genuine = await fetch(prepared.url, prepared.init);
    expect(genuine.status).toBe(401);
    expect(await genuine.text()).toBe("oauth_problem=nonce_used");
  });

  it("keys nonces by timestamp too: the same nonce with another timestamp is accepted (§3.1)", async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await signedFetch(sim, { path: "/rest/api/2/myself", token, signer: fixedSigner(sim, "same-nonce", now) })).status).toBe(200);
    expect((await signedFetch(sim, { path: "/rest/api/2/myself", token, signer: fixedSigner(sim, "same-nonce", now - 1) })).status).toBe(200);
    expect((await signedFetch(sim, { path: "/rest/api/2/myself", token, signer: fixedSigner(sim, "same-nonce", now) })).status).toBe(401);
  });

  it("refuses an unknown access token with token_rejected (§3.1)", async () => {
    const response = await rest(sim, { key: "a".repeat(32), secret: "x" }, "GET", "/rest/api/2/myself");
    expect(response.status).toBe(401);
    expect(await response.text()).toBe("oauth_problem=token_rejected");
  });

  it("refuses an access token revoked through the control API with token_rejected (§3.1)", async () => {
    expect(sim.control.revokeAccessToken(token.key)).toBe(true);
    const response = await rest(sim, token, "GET", "/rest/api/2/myself");
    expect(response.status).toBe(401);
    expect(await response.text()).toBe("oauth_problem=token_rejected");
  });

  it("refuses an access token past its lifetime with token_expired (§3.1)", async () => {
    sim.control.setAccessTokenLifetime(60);
    const shortLived = accessToken(sim);
    expect((await rest(sim, shortLived, "GET", "/rest/api/2/myself")).status).toBe(200);
    // 61 s on: still inside the 5-minute timestamp window of the signer's real-time timestamps.
    sim.server.clock.advance(61_000);
    const response = await rest(sim, shortLived, "GET", "/rest/api/2/myself");
    expect(response.status).toBe(401);
    expect(await response.text()).toBe("oauth_problem=token_expired");
  });

  it("refuses a request token used for a REST call, and another consumer's token, with token_rejected (§3.1)", async () => {
    const requestToken = await signedFetch(sim, { method: "POST", path: "/plugins/servlet/oauth/request-token", oauth: { oauth_callback: "oob" } });
    const issued = formOf(await requestToken.text());
    const asAccess = await rest(sim, { key: issued.oauth_token as string, secret: issued.oauth_token_secret as string }, "GET", "/rest/api/2/myself");
    expect(await asAccess.text()).toBe("oauth_problem=token_rejected");

    const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
    sim.control.registerConsumer({ consumerKey: "other-app", publicKeyPem: pair.publicKey.export({ type: "spki", format: "pem" }).toString() });
    const otherSigner = rsaSigner("other-app", pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString());
    const crossed = await signedFetch(sim, { path: "/rest/api/2/myself", token, signer: otherSigner });
    expect(crossed.status).toBe(401);
    expect(await crossed.text()).toBe("oauth_problem=token_rejected");
  });

  it("refuses an unknown consumer without a token with consumer_key_unknown, a known one with permission_denied (§3.1)", async () => {
    const stranger = rsaSigner("nobody", sim.credentials.JIRA_SERVER_PRIVATE_KEY as string);
    const unknown = await signedFetch(sim, { path: "/rest/api/2/myself", signer: stranger });
    expect(unknown.status).toBe(401);
    expect(await unknown.text()).toBe("oauth_problem=consumer_key_unknown");
    const twoLegged = await signedFetch(sim, { path: "/rest/api/2/myself" });
    expect(twoLegged.status).toBe(401);
    expect(await twoLegged.text()).toBe("oauth_problem=permission_denied");
  });

  it("refuses HMAC-SHA1, which an Application Link does not accept, with 400 signature_method_rejected (§3.1)", async () => {
    const hmac = new OAuth({ consumer: { key: sim.credentials.JIRA_SERVER_CONSUMER_KEY as string, secret: "s" }, signature_method: "HMAC-SHA1", hash_function: () => "c2ln" });
    const response = await signedFetch(sim, { path: "/rest/api/2/myself", token, signer: hmac });
    expect(response.status).toBe(400);
    expect(formOf(await response.text())).toEqual({ oauth_problem: "signature_method_rejected", oauth_acceptable_signature_methods: "RSA-SHA1" });
  });

  it("refuses an oauth_version other than 1.0 with 400 version_rejected (§3.1)", async () => {
    const signer = simSigner(sim);
    signer.version = "2.0";
    const response = await signedFetch(sim, { path: "/rest/api/2/myself", token, signer });
    expect(response.status).toBe(400);
    expect(formOf(await response.text())).toEqual({ oauth_problem: "version_rejected", oauth_acceptable_versions: "1.0-1.0" });
  });

  it("refuses a header without oauth_nonce with 400 parameter_absent naming it (§3.1)", async () => {
    const prepared = prepareSigned(sim, { path: "/rest/api/2/myself", token });
    const header = String(prepared.init.headers.authorization).replace(/oauth_nonce="[^"]*", /, "");
    const response = await fetch(prepared.url, { headers: { authorization: header } });
    expect(response.status).toBe(400);
    expect(formOf(await response.text())).toEqual({ oauth_problem: "parameter_absent", oauth_parameters_absent: "oauth_nonce" });
  });

  it("answers an unsigned REST call with 401 and Jira's JSON error body", async () => {
    const response = await fetch(`${sim.url}/rest/api/2/myself`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ errorMessages: ["You are not authenticated. Authentication required to perform this operation."], errors: {} });
  });
});
