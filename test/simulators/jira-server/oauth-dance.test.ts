import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startJiraServerSimulator } from "../../../simulators/jira-server/index.js";
import { formOf, prepareSigned, rest, rsaSigner, signedFetch, type JiraSim } from "./helpers.js";

const CALLBACK = "http://127.0.0.1:9/extensions/jira_server/setup/";

describe("Jira Server simulator: the OAuth 1.0a three-legged dance (provider-contracts §3.1, sentry-behaviour §9.1)", () => {
  let sim: JiraSim;

  beforeAll(async () => {
    sim = await startJiraServerSimulator();
  });
  afterAll(() => sim.stop());
  beforeEach(() => sim.server.reset());

  const requestToken = async (callback?: string) => {
    const response = await signedFetch(sim, { method: "POST", path: "/plugins/servlet/oauth/request-token", oauth: callback ? { oauth_callback: callback } : undefined });
    expect(response.status).toBe(200);
    return formOf(await response.text());
  };
  const authorize = (token: string) => fetch(`${sim.url}/plugins/servlet/oauth/authorize?oauth_token=${token}`, { redirect: "manual" });
  const verifierFrom = async (token: string) => new URL((await authorize(token)).headers.get("location") ?? "http://x/").searchParams.get("oauth_verifier") ?? "";
  const exchange = (token: Record<string, string>, verifier?: string) =>
    signedFetch(sim, { method: "POST", path: "/plugins/servlet/oauth/access-token", token: { key: token.oauth_token as string, secret: token.oauth_token_secret as string }, oauth: verifier === undefined ? undefined : { oauth_verifier: verifier } });

  it("answers step 1 with a form-encoded request token and oauth_callback_confirmed=true when a callback was sent (§3.1)", async () => {
    const response = await signedFetch(sim, { method: "POST", path: "/plugins/servlet/oauth/request-token", oauth: { oauth_callback: CALLBACK } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/x-www-form-urlencoded/);
    const body = formOf(await response.text());
    expect(Object.keys(body)).toEqual(["oauth_token", "oauth_token_secret", "oauth_callback_confirmed"]);
    expect(body.oauth_token).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(body.oauth_token_secret).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(body.oauth_callback_confirmed).toBe("true");
  });

  it("answers a request without oauth_callback (Sentry's client) without oauth_callback_confirmed (§3.1)", async () => {
    expect(Object.keys(await requestToken())).toEqual(["oauth_token", "oauth_token_secret"]);
  });

  it("refuses step 1 from an unknown consumer key with 401 consumer_key_unknown (§3.1)", async () => {
    const signer = rsaSigner("not-linked", sim.credentials.JIRA_SERVER_PRIVATE_KEY as string);
    const response = await signedFetch(sim, { method: "POST", path: "/plugins/servlet/oauth/request-token", signer });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe(`OAuth realm="${encodeURIComponent(sim.url)}", oauth_problem="consumer_key_unknown"`);
    expect(await response.text()).toBe("oauth_problem=consumer_key_unknown");
  });

  it("refuses an oauth_callback that is neither a URL nor oob with 400 parameter_rejected (§3.1)", async () => {
    const response = await signedFetch(sim, { method: "POST", path: "/plugins/servlet/oauth/request-token", oauth: { oauth_callback: "not a url" } });
    expect(response.status).toBe(400);
    expect(formOf(await response.text())).toEqual({ oauth_problem: "parameter_rejected", oauth_parameters_rejected: "oauth_callback" });
  });

  it("signs form-body parameters of step 1 too: a body changed after signing is refused (§3.2 rule 3)", async () => {
    const input = { method: "POST", path: "/plugins/servlet/oauth/request-token", form: { extra: "a b" }, oauth: { oauth_callback: CALLBACK } };
    expect((await signedFetch(sim, input)).status).toBe(200);
    const prepared = prepareSigned(sim, input);
    const response = await fetch(prepared.url, { ...prepared.init, body: String(prepared.init.body).replace("a%20b", "a%20c") });
    expect(response.status).toBe(401);
    expect(formOf(await response.text()).oauth_problem).toBe("signature_invalid");
  });

  it("refuses an OAuth parameter sent twice (header and form body) with 400 parameter_rejected (§3.1)", async () => {
    // oauth-1.0a copies form fields into the header, so an oauth_callback in the form is sent twice.
    const response = await signedFetch(sim, { method: "POST", path: "/plugins/servlet/oauth/request-token", form: { oauth_callback: CALLBACK } });
    expect(response.status).toBe(400);
    const body = formOf(await response.text());
    expect(body.oauth_problem).toBe("parameter_rejected");
    expect(formOf(body.oauth_parameters_rejected ?? "")).toEqual({ oauth_callback: CALLBACK });
  });

  it("auto-approves step 2 and redirects to the callback with oauth_token and a 6-character oauth_verifier (§3.1)", async () => {
    const token = await requestToken(CALLBACK);
    const response = await authorize(token.oauth_token as string);
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location") ?? "");
    expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
    expect(location.searchParams.get("oauth_token")).toBe(token.oauth_token);
    expect(location.searchParams.get("oauth_verifier")).toMatch(/^[A-Za-z0-9]{6}$/);
  });

  it("shows the verifier on the page when there is no callback (oob) (§3.1)", async () => {
    const token = await requestToken("oob");
    const response = await authorize(token.oauth_token as string);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await response.text()).toMatch(/verification code is &#39;[A-Za-z0-9]{6}&#39;/);
  });

  it("redirects to the Application Link's consumer callback URL when the request token named none (§3.1)", async () => {
    const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
    sim.control.registerConsumer({ consumerKey: "sentry", publicKeyPem: pair.publicKey.export({ type: "spki", format: "pem" }).toString(), callbackUrl: CALLBACK });
    const signer = rsaSigner("sentry", pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString());
    const token = formOf(await (await signedFetch(sim, { method: "POST", path: "/plugins/servlet/oauth/request-token", signer })).text());
    const response = await authorize(token.oauth_token as string);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toMatch(new RegExp(`^${CALLBACK.replace(/[.?/]/g, "\\$&")}\\?oauth_token=${token.oauth_token}&oauth_verifier=[A-Za-z0-9]{6}$`));
  });

  it("sends the browser to the login page when nobody is logged in to approve (§3.1)", async () => {
    sim.control.setAuthorizingUser(null);
    const token = await requestToken(CALLBACK);
    const response = await authorize(token.oauth_token as string);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toContain("/login.jsp?permissionViolation=true&os_destination=");
  });

  it("refuses to authorize an unknown request token with token_rejected (§3.1)", async () => {
    const response = await authorize("x".repeat(32));
    expect(response.status).toBe(401);
    expect(await response.text()).toBe("oauth_problem=token_rejected");
  });

  it("swaps the approved request token and its verifier for a 5-year access token and session handle (§3.1)", async () => {
    const token = await requestToken(CALLBACK);
    const response = await exchange(token, await verifierFrom(token.oauth_token as string));
    expect(response.status).toBe(200);
    const body = formOf(await response.text());
    expect(Object.keys(body)).toEqual(["oauth_token", "oauth_token_secret", "oauth_expires_in", "oauth_session_handle", "oauth_authorization_expires_in"]);
    expect(body.oauth_token).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(body.oauth_token).not.toBe(token.oauth_token);
    expect(body.oauth_expires_in).toBe("157680000");
    expect(body.oauth_authorization_expires_in).toBe("160272000");
    const me = await rest(sim, { key: body.oauth_token as string, secret: body.oauth_token_secret as string }, "GET", "/rest/api/2/myself");
    expect(await me.json()).toMatchObject({ name: "admin" });
  });

  it("acts as the user who approved: the authorizing user is configurable (§3.1)", async () => {
    sim.control.setAuthorizingUser("jdoe");
    const token = await requestToken(CALLBACK);
    const access = formOf(await (await exchange(token, await verifierFrom(token.oauth_token as string))).text());
    const me = await rest(sim, { key: access.oauth_token as string, secret: access.oauth_token_secret as string }, "GET", "/rest/api/2/myself");
    expect(await me.json()).toMatchObject({ name: "jdoe", displayName: "John Doe" });
  });

  it("requires the verifier: without it 400 parameter_absent, with a wrong one 401 token_rejected (§3.1)", async () => {
    const token = await requestToken(CALLBACK);
    await authorize(token.oauth_token as string);
    const missing = await exchange(token);
    expect(missing.status).toBe(400);
    expect(formOf(await missing.text())).toEqual({ oauth_problem: "parameter_absent", oauth_parameters_absent: "oauth_verifier" });
    const wrong = await exchange(token, "ZZZZZZ");
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toBe("oauth_problem=token_rejected");
  });

  it("refuses a request token that was never approved with permission_unknown (§3.1)", async () => {
    const token = await requestToken(CALLBACK);
    const response = await exchange(token, "abcdef");
    expect(response.status).toBe(401);
    expect(await response.text()).toBe("oauth_problem=permission_unknown");
  });

  it("redirects a refusal with oauth_verifier=denied, after which the swap is permission_denied (§3.1)", async () => {
    sim.control.setConsent("deny");
    const token = await requestToken(CALLBACK);
    const verifier = await verifierFrom(token.oauth_token as string);
    expect(verifier).toBe("denied");
    const response = await exchange(token, verifier);
    expect(response.status).toBe(401);
    expect(await response.text()).toBe("oauth_problem=permission_denied");
  });

  it("swaps a request token only once: the second swap is token_rejected (§3.1)", async () => {
    const token = await requestToken(CALLBACK);
    const verifier = await verifierFrom(token.oauth_token as string);
    expect((await exchange(token, verifier)).status).toBe(200);
    const again = await exchange(token, verifier);
    expect(again.status).toBe(401);
    expect(await again.text()).toBe("oauth_problem=token_rejected");
  });

  it("refuses a request token older than 10 minutes with token_expired (§3.1)", async () => {
    const token = await requestToken(CALLBACK);
    const verifier = await verifierFrom(token.oauth_token as string);
    sim.control.setTimestampWindow(3600);
    sim.server.clock.advance(601_000);
    const response = await exchange(token, verifier);
    expect(response.status).toBe(401);
    expect(await response.text()).toBe("oauth_problem=token_expired");
  });

  it("answers GET on the token endpoints with 405: they take POST (§3.1)", async () => {
    expect((await fetch(`${sim.url}/plugins/servlet/oauth/request-token`)).status).toBe(405);
    expect((await fetch(`${sim.url}/plugins/servlet/oauth/access-token`)).status).toBe(405);
  });
});
