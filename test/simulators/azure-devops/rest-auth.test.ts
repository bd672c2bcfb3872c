import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAzureDevopsSimulator } from "../../../simulators/azure-devops/index.js";
import { restHeaders, type AzureSim } from "./helpers.js";

interface VssErrorBody {
  $id: string;
  innerException: null;
  message: string;
  typeName: string;
  typeKey: string;
  errorCode: number;
  eventId: number;
}

describe("Azure DevOps simulator: calling the REST API (provider-contracts §2.2)", () => {
  let sim: AzureSim;
  let token: string;

  beforeAll(async () => {
    sim = await startAzureDevopsSimulator();
  });
  afterAll(() => sim.stop());
  beforeEach(() => {
    sim.server.reset();
    token = sim.control.issueTokens({ email: "ada@example.com" }).accessToken;
  });

  it("answers a request without credentials, with X-TFS-FedAuthRedirect: Suppress, 401 TF400813 and Azure's challenge headers (§2.2)", async () => {
    const response = await fetch(`${sim.url}/fabrikam/_apis/projects`, { headers: { "x-tfs-fedauthredirect": "Suppress", accept: "application/json" } });
    expect(response.status).toBe(401);
    const body = (await response.json()) as VssErrorBody;
    expect(body).toMatchObject({ $id: "1", innerException: null, typeKey: "UnauthorizedRequestException", errorCode: 0, eventId: 3000 });
    expect(body.message).toBe("TF400813: Resource not available for anonymous access. Client authentication required.");
    expect(body.typeName).toBe("Microsoft.TeamFoundation.Framework.Server.UnauthorizedRequestException, Microsoft.TeamFoundation.Framework.Server");
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer authorization_uri=.*TFS-Federated$/);
    expect(decodeURIComponent(response.headers.get("x-tfs-serviceerror")!)).toBe(body.message);
    expect(response.headers.get("x-vss-resourcetenant")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("without Suppress, answers GET with an expired token by 203 and the HTML sign-in page, but PATCH by 401 (§2.2)", async () => {
    sim.control.setTokenLifetime(60);
    const expiring = sim.control.issueTokens().accessToken;
    sim.server.clock.advance(61_000);
    const get = await fetch(`${sim.url}/fabrikam/_apis/projects`, { headers: { authorization: `Bearer ${expiring}` } });
    expect(get.status).toBe(203);
    expect(get.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await get.text()).toContain("Sign In");
    const patch = await fetch(`${sim.url}/fabrikam/_apis/wit/workitems/1?api-version=4.1`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${expiring}`, "content-type": "application/json-patch+json" },
      body: "[]",
    });
    expect(patch.status).toBe(401);
    expect(((await patch.json()) as VssErrorBody).message).toBe("TF400813: The user '' is not authorized to access this resource.");
    const suppressed = await fetch(`${sim.url}/fabrikam/_apis/projects`, { headers: restHeaders(expiring) });
    expect(suppressed.status).toBe(401);
  });

  it("refuses an unknown bearer token and a user who is not a member of the organization (§2.2)", async () => {
    expect((await fetch(`${sim.url}/fabrikam/_apis/projects`, { headers: restHeaders("eyJ0eXAiOiJKV1QifQ.e30.c2ln") })).status).toBe(401);
    sim.control.addUser("outsider@example.com", "Out Sider");
    const outsider = sim.control.issueTokens({ email: "outsider@example.com" });
    const response = await fetch(`${sim.url}/fabrikam/_apis/projects`, { headers: restHeaders(outsider.accessToken) });
    expect(response.status).toBe(401);
    const body = (await response.json()) as VssErrorBody;
    expect(body.message).toMatch(/^TF400813: The user '[0-9a-f-]{36}' is not authorized to access this resource\.$/);
  });

  it("refuses work item access to a legacy token without a work scope (§2.2)", async () => {
    const narrow = sim.control.issueTokens({ scopes: ["vso.code"] }).accessToken;
    expect((await fetch(`${sim.url}/fabrikam/_apis/wit/workitems/1`, { headers: restHeaders(narrow) })).status).toBe(401);
  });

  it("requires an api-version on writes, from the query or the Accept header (§2.2)", async () => {
    const missing = await fetch(`${sim.url}/fabrikam/_apis/wit/wiql`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ query: "SELECT [System.Id] FROM WorkItems" }),
    });
    expect(missing.status).toBe(400);
    const body = (await missing.json()) as VssErrorBody;
    expect(body.typeKey).toBe("VssVersionNotSpecifiedException");
    expect(body.message).toMatch(/^No api-version was supplied for the "POST" request\./);
    const viaAccept = await fetch(`${sim.url}/fabrikam/_apis/wit/wiql`, { method: "POST", headers: restHeaders(token, "POST"), body: JSON.stringify({ query: "SELECT [System.Id] FROM WorkItems" }) });
    expect(viaAccept.status).toBe(200);
    const viaQuery = await fetch(`${sim.url}/fabrikam/_apis/wit/wiql?api-version=7.1`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ query: "SELECT [System.Id] FROM WorkItems" }),
    });
    expect(viaQuery.status).toBe(200);
  });

  it("refuses an api-version past the latest and a preview resource asked for without -preview (§2.2)", async () => {
    const future = await fetch(`${sim.url}/fabrikam/_apis/projects?api-version=9.0`, { headers: restHeaders(token) });
    expect(future.status).toBe(400);
    expect(((await future.json()) as VssErrorBody).typeKey).toBe("VssVersionOutOfRangeException");
    const states = `${sim.url}/fabrikam/Fabrikam-Fiber/_apis/wit/workitemtypes/Bug/states`;
    const notPreview = await fetch(states, { headers: restHeaders(token, "GET", "4.1") });
    expect(notPreview.status).toBe(400);
    expect(((await notPreview.json()) as VssErrorBody).typeKey).toBe("VssInvalidPreviewVersionException");
    expect((await fetch(states, { headers: restHeaders(token, "GET", "4.1-preview.1") })).status).toBe(200);
  });

  it("answers an unknown API path with ASP.NET's controller-not-found 404 (§2.2)", async () => {
    const response = await fetch(`${sim.url}/fabrikam/_apis/nothing-here`, { headers: restHeaders(token) });
    expect(response.status).toBe(404);
    expect(((await response.json()) as VssErrorBody).message).toBe("The controller for path '/fabrikam/_apis/nothing-here' was not found or does not implement IController.");
  });

  it("serves the profile, connectionData and accounts calls Sentry makes while building the identity (sentry-behaviour §1.7, §2.2)", async () => {
    const headers = { accept: "application/json", authorization: `bearer ${token}` };
    const profile = (await (await fetch(`${sim.url}/_apis/profile/profiles/me?api-version=1.0`, { headers })).json()) as Record<string, string>;
    expect(profile).toMatchObject({ displayName: "Ada Lovelace", emailAddress: "ada@example.com" });
    expect(profile.id).toMatch(/^[0-9a-f-]{36}$/);
    const connection = (await (await fetch(`${sim.url}/_apis/connectionData/`, { headers })).json()) as { authenticatedUser: { subjectDescriptor: string; id: string } };
    expect(connection.authenticatedUser.subjectDescriptor).toMatch(/^aad\./);
    expect(connection.authenticatedUser.id).toBe(profile.id);
    const accounts = (await (await fetch(`${sim.url}/_apis/accounts?memberId=${profile.id}&api-version=4.1`, { headers })).json()) as { count: number; value: Array<{ accountName: string; accountId: string; accountUri: string }> };
    expect(accounts.count).toBe(1);
    expect(accounts.value[0]).toMatchObject({ accountName: "fabrikam", accountUri: `${sim.url}/fabrikam/` });
    const area = (await (await fetch(`${sim.url}/_apis/resourceareas/79134C72-4A58-4B42-976C-04E7115F32BF?hostId=${accounts.value[0]!.accountId}`)).json()) as { locationUrl: string };
    expect(area.locationUrl).toBe(`${sim.url}/fabrikam/`);
  });

  it("lists organization members through the preview graph users API, paged by X-MS-ContinuationToken (§2.2)", async () => {
    for (let i = 0; i < 120; i++) sim.control.addMember("fabrikam", `user${i}@example.com`);
    const url = `${sim.url}/fabrikam/_apis/graph/users`;
    const first = await fetch(url, { headers: restHeaders(token, "GET", "4.1-preview.1") });
    expect(first.status).toBe(200);
    const continuation = first.headers.get("x-ms-continuationtoken");
    expect(continuation).toBeTruthy();
    const page1 = (await first.json()) as { value: Array<{ mailAddress: string }> };
    const second = (await (await fetch(`${url}?continuationToken=${continuation}`, { headers: restHeaders(token, "GET", "4.1-preview.1") })).json()) as { value: Array<{ mailAddress: string }> };
    const emails = [...page1.value, ...second.value].map((u) => u.mailAddress);
    expect(emails).toHaveLength(121);
    expect(emails).toContain("ada@example.com");
  });
});
