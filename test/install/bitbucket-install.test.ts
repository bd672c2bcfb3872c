import { createQueryStringHash, encodeSymmetric, fromMethodAndUrl } from "atlassian-jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BitbucketControl } from "../../simulators/bitbucket/control.js";
import { startBitbucketSimulator } from "../../simulators/bitbucket/index.js";
import type { StartedSimulator } from "../../simulators/shared/types.js";
import { apiClient, organizationWithToken } from "../helpers/api-client.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { storeMode } from "../helpers/test-store.js";

/** What Bitbucket appends when it returns the browser: an HS256 JWT by the installation's shared secret, qsh of the GET (atlassian-jwt). */
function redirectWithJwt(redirectUri: string, clientKey: string, sharedSecret: string): string {
  const now = Math.floor(Date.now() / 1000);
  const qsh = createQueryStringHash(fromMethodAndUrl("GET", redirectUri.replace(/^https?:\/\/[^/]+/, "")));
  const url = new URL(redirectUri);
  url.searchParams.set("jwt", encodeSymmetric({ iss: clientKey, iat: now, exp: now + 180, qsh }, sharedSecret));
  return url.toString();
}

describe(`Bitbucket install linked to an organization (${storeMode})`, () => {
  let sim: StartedSimulator<BitbucketControl>;
  let t: TestApp;
  let org: { id: number; slug: string; token: string };
  let other: { id: number; slug: string; token: string };

  const start = async (o = org) => {
    const res = await apiClient(t.url, o.token)("POST", `/api/0/organizations/${o.slug}/integrations/bitbucket/install/`, {});
    expect(res.status).toBe(201);
    const first = await fetch(res.body.url as string, { redirect: "manual" });
    expect(first.status).toBe(302);
    return new URL(first.headers.get("location") as string);
  };
  const installAtBitbucket = async (workspace?: string) => {
    if (workspace) {
      sim.control.addUser({ nickname: `${workspace}-admin` });
      sim.control.addWorkspace({ slug: workspace, kind: "team", owner: `${workspace}-admin` });
    }
    await sim.control.install({ appUrl: t.url, ...(workspace ? { workspace } : {}) });
    const installation = sim.control.installations().at(-1);
    return { clientKey: installation?.clientKey as string, sharedSecret: installation?.sharedSecret as string };
  };

  beforeAll(async () => {
    sim = await startBitbucketSimulator();
    t = await startTestApp({ env: { BITBUCKET_INSTALL_KEYS_URL: sim.credentials.BITBUCKET_INSTALL_KEYS_URL as string } });
    org = await organizationWithToken(t.app, "acme");
    other = await organizationWithToken(t.app, "globex");
  });

  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  it("sends the browser to Bitbucket's add-on authorize page with our descriptor, and links the installation Bitbucket returns with its JWT", async () => {
    const authorize = await start();
    expect(authorize.origin + authorize.pathname).toBe("https://bitbucket.org/site/addons/authorize");
    expect(authorize.searchParams.get("descriptor_uri")).toBe(`${t.url}/extensions/bitbucket/descriptor/`);
    const redirectUri = authorize.searchParams.get("redirect_uri") as string;
    expect(redirectUri.startsWith(`${t.url}/extensions/bitbucket/setup/?state=`)).toBe(true);

    const { clientKey, sharedSecret } = await installAtBitbucket();
    const back = await fetch(redirectWithJwt(redirectUri, clientKey, sharedSecret), { redirect: "manual" });
    expect(back.status).toBe(200);
    const linked = await t.app.store.db
      .selectFrom("organization_integrations as oi")
      .innerJoin("integrations as i", "i.id", "oi.integration_id")
      .select(["oi.organization_id", "oi.status"])
      .where("i.provider", "=", "bitbucket")
      .where("i.external_id", "=", clientKey)
      .execute();
    expect(linked).toEqual([{ organization_id: org.id, status: "active" }]);
  });

  it("refuses a JWT not signed by the installation's shared secret, and one made for another request (qsh)", async () => {
    const redirectUri = (await start()).searchParams.get("redirect_uri") as string;
    const { clientKey, sharedSecret } = await installAtBitbucket("forged-ws");
    const forged = await fetch(redirectWithJwt(redirectUri, clientKey, "not-the-secret"), { redirect: "manual" });
    expect(forged.status).toBe(400);
    expect(forged.headers.get("x-error-code")).toBe("bitbucket_jwt_invalid");
    const otherRequest = new URL(redirectWithJwt(`${t.url}/extensions/bitbucket/setup/?state=other`, clientKey, sharedSecret));
    const moved = new URL(redirectUri);
    moved.searchParams.set("jwt", otherRequest.searchParams.get("jwt") as string);
    const mismatch = await fetch(moved, { redirect: "manual" });
    expect(mismatch.headers.get("x-error-code")).toBe("bitbucket_jwt_qsh_mismatch");
    // The state was not used up by the refusals: the genuine redirect still links.
    expect((await fetch(redirectWithJwt(redirectUri, clientKey, sharedSecret), { redirect: "manual" })).status).toBe(200);
  });

  it("refuses a forged state and a replayed one, and a workspace already linked to another organization", async () => {
    const { clientKey, sharedSecret } = await installAtBitbucket("taken-ws");
    const forgedUri = `${t.url}/extensions/bitbucket/setup/?state=${encodeURIComponent("eyJvIjoxfQ.QUFBQQ")}`;
    const forged = await fetch(redirectWithJwt(forgedUri, clientKey, sharedSecret), { redirect: "manual" });
    expect(forged.headers.get("x-error-code")).toBe("install_state_invalid");
    const redirectUri = (await start()).searchParams.get("redirect_uri") as string;
    expect((await fetch(redirectWithJwt(redirectUri, clientKey, sharedSecret), { redirect: "manual" })).status).toBe(200);
    const replay = await fetch(redirectWithJwt(redirectUri, clientKey, sharedSecret), { redirect: "manual" });
    expect(replay.headers.get("x-error-code")).toBe("install_state_used");
    const otherUri = (await start(other)).searchParams.get("redirect_uri") as string;
    const taken = await fetch(redirectWithJwt(otherUri, clientKey, sharedSecret), { redirect: "manual" });
    expect(taken.status).toBe(409);
    expect(taken.headers.get("x-error-code")).toBe("bitbucket_installation_taken");
  });
});
