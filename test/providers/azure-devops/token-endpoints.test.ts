import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureDevopsSimulator, type AzureDevopsControl } from "../../../simulators/azure-devops/index.js";
import type { StartedSimulator } from "../../../simulators/shared/types.js";
import { getFreshCredential, RefreshRefused } from "../../../src/auth/refresh/refresh-credential.js";
import { isAppError } from "../../../src/domain/errors.js";
import { authFlowFor, exchangeCode, parseExpiresIn, postTokenForm, refreshForm } from "../../../src/providers/azure-devops/auth.js";
import { azureRefreshDeps, azureSendOptions } from "../../../src/providers/azure-devops/integration-client.js";
import { writeCredential } from "../../../src/store/identities.js";
import { startTestApp, type TestApp } from "../../helpers/test-app.js";
import { storeMode } from "../../helpers/test-store.js";
import { azureEnv, tokenRequests } from "./azure-harness.js";

describe(`Azure DevOps token endpoints (§1.4-1.6; ${storeMode})`, () => {
  let sim: StartedSimulator<AzureDevopsControl>;
  let t: TestApp;
  let bare: Server;
  let bareUrl: string;
  let bareCalls = 0;

  beforeAll(async () => {
    sim = await startAzureDevopsSimulator();
    t = await startTestApp({ env: azureEnv(sim) });
    // A token endpoint that answers without `expires_in` (some Azure answers do; Sentry then refreshes forever).
    bare = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        bareCalls++;
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ access_token: `at-${bareCalls}`, token_type: "jwt-bearer", refresh_token: `rt-${bareCalls}` }));
      });
    });
    await new Promise<void>((resolve) => bare.listen(0, "127.0.0.1", resolve));
    bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/oauth2/token`;
  });
  afterAll(async () => {
    await new Promise((resolve) => bare?.close(resolve));
    await t?.close();
    await sim?.stop();
  });

  it("chooses Entra ID from integration_migration_version 1 on, the legacy app before (§1.3)", () => {
    expect(authFlowFor({})).toBe("legacy");
    expect(authFlowFor({ integration_migration_version: 0 })).toBe("legacy");
    expect(authFlowFor({ integration_migration_version: 1 })).toBe("entra");
    expect(authFlowFor({ integration_migration_version: "2" })).toBe("entra");
  });

  it("reads expires_in as a number or a numeric string, and nothing else", () => {
    expect(parseExpiresIn("3599")).toBe(3599);
    expect(parseExpiresIn(3599)).toBe(3599);
    expect(parseExpiresIn("soon")).toBeUndefined();
    expect(parseExpiresIn(undefined)).toBeUndefined();
    expect(parseExpiresIn("0")).toBeUndefined();
  });

  it("exchanges a legacy code with the jwt-bearer grant and reads the string expires_in", async () => {
    const code = sim.control.authorizationCode({ flow: "legacy" });
    const grant = await exchangeCode(t.app.config.azureDevops, azureSendOptions(t.app), code);
    expect(grant.accessToken).toBeTruthy();
    expect(grant.refreshToken).toBeTruthy();
    // The legacy endpoint answers expires_in as a string ("3599").
    expect(grant.expiresInSeconds).toBeGreaterThan(3000);
    expect(grant.scopes).toContain("vso.code");
    const form = new URLSearchParams(tokenRequests(sim).at(-1)!.body);
    expect(form.get("grant_type")).toBe("urn:ietf:params:oauth:grant-type:jwt-bearer");
    expect(form.get("assertion")).toBe(code);
  });

  it("exchanges an Entra ID code with authorization_code and the registered redirect URL", async () => {
    const code = sim.control.authorizationCode({ flow: "entra" });
    const grant = await exchangeCode(t.app.config.azureDevops, azureSendOptions(t.app), code, "entra");
    expect(grant.accessToken).toBeTruthy();
    expect(grant.refreshToken).toBeTruthy();
    expect(grant.expiresInSeconds).toBeGreaterThan(0);
    expect(tokenRequests(sim).at(-1)!.path).toBe("/common/oauth2/v2.0/token");
  });

  it("refuses a code redeemed twice as identity_not_valid with Sentry's message", async () => {
    const code = sim.control.authorizationCode({ flow: "legacy" });
    await exchangeCode(t.app.config.azureDevops, azureSendOptions(t.app), code);
    const error = await exchangeCode(t.app.config.azureDevops, azureSendOptions(t.app), code).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe("identity_not_valid");
    expect((error as Error).message).toBe("HTTP 400 (invalid_grant): The authorization code has already been redeemed.");
  });

  it("treats a refresh token the endpoint does not know as refused, not as a transient error", async () => {
    const settings = t.app.config.azureDevops;
    const error = await postTokenForm(`${settings.vsspsUrl}/oauth2/token`, refreshForm(settings, "legacy", "not-a-token", ["vso.code"]), azureSendOptions(t.app)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RefreshRefused);
    expect((error as RefreshRefused).reason).toBe("HTTP 400 (invalid_request): The access token is not valid");
  });

  it("maps a misconfigured app (wrong secret) to azure_api_error, without marking anything refused", async () => {
    const settings = { ...t.app.config.azureDevops, clientSecret: "not-a-jwt" };
    const error = await postTokenForm(`${settings.vsspsUrl}/oauth2/token`, refreshForm(settings, "legacy", "x", ["vso.code"]), azureSendOptions(t.app)).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe("azure_api_error");
    expect((error as Error).message).toBe("HTTP 400 (invalid_client): Failed to deserialize the JsonWebToken object.");
    expect((error as Error).message).not.toContain("not-a-jwt");
  });

  it("refuses to refresh without a redirect URL, as Sentry does, with a clear configuration error", () => {
    const settings = { ...t.app.config.azureDevops, redirectUrl: undefined };
    let caught: unknown;
    try {
      refreshForm(settings, "legacy", "rt", ["vso.code"]);
    } catch (error) {
      caught = error;
    }
    expect(isAppError(caught) && caught.code).toBe("azure_devops_not_configured");
  });

  it("gives an answer without expires_in a default lifetime, so the next call does not refresh again", async () => {
    const deps = azureRefreshDeps(t.app);
    const expired = Math.floor(Date.now() / 1000) - 10;
    await writeCredential(t.app.store.db, t.app.vault, { provider: "vsts", externalId: "no-expiry-answer" }, 0, { accessToken: "at-0", refreshToken: "rt-0" }, expired, new Date().toISOString());
    const endpoint = (refreshToken: string) => postTokenForm(bareUrl, new URLSearchParams({ grant_type: "refresh_token", assertion: refreshToken }), azureSendOptions(t.app));
    const first = await getFreshCredential(deps, "vsts", "no-expiry-answer", endpoint);
    expect(first.expiresAt! - Math.floor(Date.now() / 1000)).toBeGreaterThan(3500);
    await getFreshCredential(deps, "vsts", "no-expiry-answer", endpoint);
    expect(bareCalls).toBe(1);
  });
});
