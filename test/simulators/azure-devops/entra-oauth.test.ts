import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAzureDevopsSimulator } from "../../../simulators/azure-devops/index.js";
import { credentials, postForm, restHeaders, type AzureSim } from "./helpers.js";

const ADO_SCOPE = "499b84ac-1321-427f-aa17-267ca6975798/.default";

interface EntraErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
}

describe("Azure DevOps simulator: Entra ID v2 endpoints (provider-contracts §2.3)", () => {
  let sim: AzureSim;
  const c = () => credentials(sim);
  const tokenUrl = () => `${sim.url}/common/oauth2/v2.0/token`;

  beforeAll(async () => {
    sim = await startAzureDevopsSimulator({ redirectUrl: "https://switchboard.test/extensions/vsts/setup/" });
  });
  afterAll(() => sim.stop());
  beforeEach(() => sim.server.reset());

  const authorize = (params: Record<string, string> = {}) =>
    fetch(
      `${sim.url}/common/oauth2/v2.0/authorize?${new URLSearchParams({
        client_id: c().AZURE_DEVOPS_ENTRA_CLIENT_ID,
        response_type: "code",
        redirect_uri: c().AZURE_DEVOPS_ENTRA_REDIRECT_URL,
        response_mode: "query",
        scope: `offline_access ${ADO_SCOPE}`,
        state: "st-1",
        ...params,
      })}`,
      { redirect: "manual" },
    );

  const login = async (): Promise<Record<string, unknown>> => {
    const code = new URL((await authorize()).headers.get("location")!).searchParams.get("code")!;
    const response = await postForm(tokenUrl(), {
      grant_type: "authorization_code",
      client_id: c().AZURE_DEVOPS_ENTRA_CLIENT_ID,
      client_secret: c().AZURE_DEVOPS_ENTRA_CLIENT_SECRET,
      code,
      redirect_uri: c().AZURE_DEVOPS_ENTRA_REDIRECT_URL,
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  };

  // Exactly Sentry's refresh form for the "vsts_new" provider: no scope, no redirect_uri (sentry-behaviour §1.6).
  const refresh = (refreshToken: string, secret = c().AZURE_DEVOPS_ENTRA_CLIENT_SECRET) =>
    postForm(tokenUrl(), { grant_type: "refresh_token", client_id: c().AZURE_DEVOPS_ENTRA_CLIENT_ID, client_secret: secret, refresh_token: refreshToken });

  it("redirects with a code, the state and a session_state (§2.3)", async () => {
    const response = await authorize();
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location")!);
    expect(location.searchParams.get("state")).toBe("st-1");
    expect(location.searchParams.get("code")).toMatch(/^1\.A/);
    expect(location.searchParams.get("session_state")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("refuses a bare Azure DevOps scope with invalid_scope / AADSTS70011, as Entra does (§2.3)", async () => {
    const location = new URL((await authorize({ scope: "vso.work_write" })).headers.get("location")!);
    expect(location.searchParams.get("error")).toBe("invalid_scope");
    expect(location.searchParams.get("error_description")).toMatch(/^AADSTS70011:/);
  });

  it("exchanges a code with authorization_code: RFC 6749 names, numeric expires_in, a refresh token with offline_access (§2.3)", async () => {
    const tokens = await login();
    expect(tokens.token_type).toBe("Bearer");
    expect(typeof tokens.expires_in).toBe("number");
    expect(tokens.scope).toContain("499b84ac-1321-427f-aa17-267ca6975798/");
    expect(typeof tokens.refresh_token).toBe("string");
    const profile = await fetch(`${sim.url}/_apis/profile/profiles/me?api-version=1.0`, { headers: restHeaders(String(tokens.access_token)) });
    expect(profile.status).toBe(200);
  });

  it("gives no refresh token without offline_access (§2.3)", async () => {
    const code = new URL((await authorize({ scope: ADO_SCOPE })).headers.get("location")!).searchParams.get("code")!;
    const response = await postForm(tokenUrl(), { grant_type: "authorization_code", client_id: c().AZURE_DEVOPS_ENTRA_CLIENT_ID, client_secret: c().AZURE_DEVOPS_ENTRA_CLIENT_SECRET, code, redirect_uri: c().AZURE_DEVOPS_ENTRA_REDIRECT_URL });
    expect((await response.json()) as object).not.toHaveProperty("refresh_token");
  });

  it("rotates refresh tokens: reuse answers 400 invalid_grant in Entra's shape with an AADSTS code (§2.3)", async () => {
    const first = await login();
    const rotated = await refresh(String(first.refresh_token));
    expect(rotated.status).toBe(200);
    const second = (await rotated.json()) as Record<string, unknown>;
    expect(second.refresh_token).not.toBe(first.refresh_token);

    const reused = await refresh(String(first.refresh_token));
    expect(reused.status).toBe(400);
    const body = (await reused.json()) as EntraErrorBody;
    expect(body.error).toBe("invalid_grant");
    expect(body.error_description).toMatch(/^AADSTS\d+: .*\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/s);
    expect(body.error_codes).toHaveLength(1);
    expect(body.error_uri).toBe(`https://login.microsoftonline.com/error?code=${body.error_codes[0]}`);
  });

  it("refuses a wrong client secret with 401 invalid_client / AADSTS7000215 (§2.3)", async () => {
    const first = await login();
    const response = await refresh(String(first.refresh_token), "wrong-secret");
    expect(response.status).toBe(401);
    const body = (await response.json()) as EntraErrorBody;
    expect(body.error).toBe("invalid_client");
    expect(body.error_codes).toEqual([7000215]);
  });

  it("reads only form bodies: JSON reads as a request without grant_type (AADSTS900144) (§2.3)", async () => {
    const response = await fetch(tokenUrl(), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ grant_type: "refresh_token" }) });
    expect(response.status).toBe(400);
    const body = (await response.json()) as EntraErrorBody;
    expect(body.error).toBe("invalid_request");
    expect(body.error_codes).toEqual([900144]);
  });

  it("answers a revoked grant with AADSTS50173 and an expired refresh token with AADSTS700082 (§2.3)", async () => {
    const revoked = await login();
    sim.control.revokeRefreshToken(String(revoked.refresh_token));
    expect(((await (await refresh(String(revoked.refresh_token))).json()) as EntraErrorBody).error_codes).toEqual([50173]);

    sim.control.setRefreshTokenLifetime(60);
    const idle = await login();
    sim.server.clock.advance(61_000);
    const expired = (await (await refresh(String(idle.refresh_token))).json()) as EntraErrorBody;
    expect(expired.error).toBe("invalid_grant");
    expect(expired.error_codes).toEqual([700082]);
  });

  it("refuses a second redemption of the same code with AADSTS54005 (§2.3)", async () => {
    const code = new URL((await authorize()).headers.get("location")!).searchParams.get("code")!;
    const redeem = () => postForm(tokenUrl(), { grant_type: "authorization_code", client_id: c().AZURE_DEVOPS_ENTRA_CLIENT_ID, client_secret: c().AZURE_DEVOPS_ENTRA_CLIENT_SECRET, code, redirect_uri: c().AZURE_DEVOPS_ENTRA_REDIRECT_URL });
    expect((await redeem()).status).toBe(200);
    const again = (await (await redeem()).json()) as EntraErrorBody;
    expect(again.error_codes).toEqual([54005]);
  });

  it("counts Entra token requests apart from legacy ones (§2.3)", async () => {
    const first = await login();
    await refresh(String(first.refresh_token));
    await refresh(String(first.refresh_token));
    const stats = sim.control.tokenStats();
    expect(stats.byGrant["entra:authorization_code"]).toEqual({ requests: 1, issued: 1, refused: 0 });
    expect(stats.byGrant["entra:refresh_token"]).toEqual({ requests: 2, issued: 1, refused: 1 });
    expect(stats.byGrant["legacy:refresh_token"]).toBeUndefined();
  });
});
