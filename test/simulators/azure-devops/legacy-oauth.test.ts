import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAzureDevopsSimulator } from "../../../simulators/azure-devops/index.js";
import { credentials, JWT_BEARER_ASSERTION_TYPE, JWT_BEARER_GRANT, legacyLogin, legacyRefresh, postForm, restHeaders, type AzureSim } from "./helpers.js";

describe("Azure DevOps simulator: legacy OAuth (provider-contracts §2.1)", () => {
  let sim: AzureSim;
  const c = () => credentials(sim);

  beforeAll(async () => {
    sim = await startAzureDevopsSimulator({ redirectUrl: "https://switchboard.test/extensions/vsts/setup/" });
  });
  afterAll(() => sim.stop());
  beforeEach(() => sim.server.reset());

  const authorizeUrl = (params: Record<string, string>) =>
    `${sim.url}/oauth2/authorize?${new URLSearchParams({ client_id: c().AZURE_DEVOPS_APP_ID, response_type: "Assertion", state: "opaque-state", scope: "vso.code vso.work_write", redirect_uri: c().AZURE_DEVOPS_REDIRECT_URL, ...params })}`;

  it("auto-approves the authorize request and redirects to the registered callback with a code and the state (§2.1)", async () => {
    const response = await fetch(authorizeUrl({}), { redirect: "manual" });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location")!);
    expect(`${location.origin}${location.pathname}`).toBe("https://switchboard.test/extensions/vsts/setup/");
    expect(location.searchParams.get("state")).toBe("opaque-state");
    expect(location.searchParams.get("code")).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it("shows a 400 page instead of redirecting when redirect_uri is not exactly the registered one (§2.1)", async () => {
    const response = await fetch(authorizeUrl({ redirect_uri: "https://switchboard.test/extensions/vsts/setup" }), { redirect: "manual" });
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
  });

  it("redirects with error=invalid_scope for a scope the app did not register, and access_denied when the user declines (§2.1)", async () => {
    const scoped = await fetch(authorizeUrl({ scope: "vso.code vso.build_execute" }), { redirect: "manual" });
    expect(new URL(scoped.headers.get("location")!).searchParams.get("error")).toBe("invalid_scope");
    sim.control.setConsent("deny");
    const denied = await fetch(authorizeUrl({}), { redirect: "manual" });
    const location = new URL(denied.headers.get("location")!);
    expect(location.searchParams.get("error")).toBe("access_denied");
    expect(location.searchParams.get("code")).toBeNull();
    expect(location.searchParams.get("state")).toBe("opaque-state");
  });

  it("exchanges the code with the jwt-bearer grant: expires_in is a string, token_type jwt-bearer, scope listed (§2.1)", async () => {
    const tokens = await legacyLogin(sim, "vso.code vso.work_write");
    expect(typeof tokens.expires_in).toBe("string");
    expect(tokens.expires_in).toBe("3599");
    expect(tokens.token_type).toBe("jwt-bearer");
    expect(tokens.scope).toBe("vso.code vso.work_write");
    expect(tokens.access_token).toMatch(/^eyJ/);
    expect(tokens.refresh_token).toMatch(/^eyJ/);
    const profile = await fetch(`${sim.url}/_apis/profile/profiles/me?api-version=1.0`, { headers: restHeaders(tokens.access_token!) });
    expect(profile.status).toBe(200);
  });

  it("reports a configured access-token lifetime in expires_in (as a string) and stops accepting the token after it (§2.1, §2.2)", async () => {
    sim.control.setTokenLifetime(120);
    const tokens = await legacyLogin(sim);
    expect(tokens.expires_in).toBe("120");
    const get = () => fetch(`${sim.url}/fabrikam/_apis/projects`, { headers: restHeaders(tokens.access_token!) });
    expect((await get()).status).toBe(200);
    sim.server.clock.advance(121_000);
    expect((await get()).status).toBe(401);
  });

  it("redeems a code only once (§2.1)", async () => {
    const authorize = await fetch(authorizeUrl({}), { redirect: "manual" });
    const code = new URL(authorize.headers.get("location")!).searchParams.get("code")!;
    const exchange = () =>
      postForm(`${sim.url}/oauth2/token`, { client_assertion_type: JWT_BEARER_ASSERTION_TYPE, client_assertion: c().AZURE_DEVOPS_CLIENT_SECRET, grant_type: JWT_BEARER_GRANT, assertion: code, redirect_uri: c().AZURE_DEVOPS_REDIRECT_URL });
    expect((await exchange()).status).toBe(200);
    const again = await exchange();
    expect(again.status).toBe(400);
    expect(((await again.json()) as { Error: string }).Error).toBe("invalid_grant");
  });

  it("rotates refresh tokens: a reused refresh token is refused with 400 invalid_grant in Azure's PascalCase shape (§2.1)", async () => {
    const first = await legacyLogin(sim);
    const refreshed = await legacyRefresh(sim, first.refresh_token!);
    expect(refreshed.status).toBe(200);
    const second = (await refreshed.json()) as Record<string, string>;
    expect(second.refresh_token).toBeTruthy();
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(typeof second.expires_in).toBe("string");

    const reused = await legacyRefresh(sim, first.refresh_token!);
    expect(reused.status).toBe(400);
    const body = (await reused.json()) as Record<string, string>;
    expect(body.Error).toBe("invalid_grant");
    expect(typeof body.ErrorDescription).toBe("string");
    expect(body).not.toHaveProperty("error");

    // The rotated token still works, once.
    expect((await legacyRefresh(sim, second.refresh_token!)).status).toBe(200);
  });

  it("answers an unknown refresh token with invalid_request 'The access token is not valid' (§2.1)", async () => {
    const response = await legacyRefresh(sim, "not-a-refresh-token");
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ Error: "invalid_request", ErrorDescription: "The access token is not valid" });
  });

  it("refuses a client secret that is not a JWT and one that is not the app's, with invalid_client (§2.1)", async () => {
    const tokens = await legacyLogin(sim);
    const notJwt = await legacyRefresh(sim, tokens.refresh_token!, "app-secret-not-the-client-secret");
    expect(notJwt.status).toBe(400);
    expect(await notJwt.json()).toEqual({ Error: "invalid_client", ErrorDescription: "Failed to deserialize the JsonWebToken object." });
    const [h, p] = c().AZURE_DEVOPS_CLIENT_SECRET.split(".");
    const wrong = await legacyRefresh(sim, tokens.refresh_token!, `${h}.${p}.c2lnbmF0dXJl`);
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { Error: string }).Error).toBe("invalid_client");
    // A refused attempt does not burn the refresh token.
    expect((await legacyRefresh(sim, tokens.refresh_token!)).status).toBe(200);
  });

  it("refuses a redirect_uri other than the registered one and a body that is not form-encoded, with HTTP 400 (§2.1)", async () => {
    const tokens = await legacyLogin(sim);
    const fields = { client_assertion_type: JWT_BEARER_ASSERTION_TYPE, client_assertion: c().AZURE_DEVOPS_CLIENT_SECRET, grant_type: "refresh_token", assertion: tokens.refresh_token! };
    const wrongRedirect = await postForm(`${sim.url}/oauth2/token`, { ...fields, redirect_uri: "https://elsewhere.test/callback" });
    expect(wrongRedirect.status).toBe(400);
    expect(((await wrongRedirect.json()) as { Error: string }).Error).toBe("invalid_request");
    const missingRedirect = await postForm(`${sim.url}/oauth2/token`, fields);
    expect(missingRedirect.status).toBe(400);
    const json = await fetch(`${sim.url}/oauth2/token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ...fields, redirect_uri: c().AZURE_DEVOPS_REDIRECT_URL }) });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { Error: string }).Error).toBe("invalid_request");
  });

  it("keeps the limited app apart: its grants refresh only with the limited secret (sentry-behaviour §1.5, §2.1)", async () => {
    const authorize = await fetch(
      `${sim.url}/oauth2/authorize?${new URLSearchParams({ client_id: c().AZURE_DEVOPS_LIMITED_APP_ID, response_type: "Assertion", state: "x", scope: "vso.graph vso.work_write", redirect_uri: c().AZURE_DEVOPS_REDIRECT_URL })}`,
      { redirect: "manual" },
    );
    const code = new URL(authorize.headers.get("location")!).searchParams.get("code")!;
    const exchanged = await postForm(`${sim.url}/oauth2/token`, {
      client_assertion_type: JWT_BEARER_ASSERTION_TYPE,
      client_assertion: c().AZURE_DEVOPS_LIMITED_CLIENT_SECRET,
      grant_type: JWT_BEARER_GRANT,
      assertion: code,
      redirect_uri: c().AZURE_DEVOPS_REDIRECT_URL,
    });
    const tokens = (await exchanged.json()) as Record<string, string>;
    expect(tokens.scope).toBe("vso.graph vso.work_write");
    const withFullSecret = await legacyRefresh(sim, tokens.refresh_token!);
    expect(withFullSecret.status).toBe(400);
    expect(((await withFullSecret.json()) as { Error: string }).Error).toBe("invalid_grant");
    expect((await legacyRefresh(sim, tokens.refresh_token!, c().AZURE_DEVOPS_LIMITED_CLIENT_SECRET)).status).toBe(200);
  });

  it("revoking a refresh-token family makes the next refresh invalid_grant and its access tokens 401 (§2.1)", async () => {
    const tokens = await legacyLogin(sim);
    expect(sim.control.revokeRefreshToken(tokens.refresh_token!)).toBe(true);
    const refresh = await legacyRefresh(sim, tokens.refresh_token!);
    expect(refresh.status).toBe(400);
    expect(((await refresh.json()) as { Error: string }).Error).toBe("invalid_grant");
    const api = await fetch(`${sim.url}/fabrikam/_apis/projects`, { headers: restHeaders(tokens.access_token!) });
    expect(api.status).toBe(401);
  });

  it("regenerating the client secret refuses the old secret and kills tokens minted under it (§2.1)", async () => {
    const tokens = await legacyLogin(sim);
    const oldSecret = c().AZURE_DEVOPS_CLIENT_SECRET;
    const newSecret = sim.control.regenerateClientSecret("full");
    try {
      expect(newSecret).not.toBe(oldSecret);
      const withOld = await legacyRefresh(sim, tokens.refresh_token!, oldSecret);
      expect(((await withOld.json()) as { Error: string }).Error).toBe("invalid_client");
      const withNew = await legacyRefresh(sim, tokens.refresh_token!, newSecret);
      expect(((await withNew.json()) as { Error: string }).Error).toBe("invalid_grant");
      expect((await fetch(`${sim.url}/fabrikam/_apis/projects`, { headers: restHeaders(tokens.access_token!) })).status).toBe(401);
    } finally {
      // A reset restores the registered secrets that `credentials` lists.
      sim.server.reset();
    }
  });

  it("counts token requests per grant and can be made slow (§2.1)", async () => {
    const tokens = await legacyLogin(sim);
    const next = (await (await legacyRefresh(sim, tokens.refresh_token!)).json()) as Record<string, string>;
    await legacyRefresh(sim, tokens.refresh_token!);
    sim.control.setTokenEndpointDelay(150);
    const started = Date.now();
    expect((await legacyRefresh(sim, next.refresh_token!)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    const stats = sim.control.tokenStats();
    expect(stats.byGrant["legacy:jwt-bearer"]).toEqual({ requests: 1, issued: 1, refused: 0 });
    expect(stats.byGrant["legacy:refresh_token"]).toEqual({ requests: 3, issued: 2, refused: 1 });
    expect(stats.refreshRequests).toBe(3);
    expect(stats.refreshesIssued).toBe(2);
  });
});
