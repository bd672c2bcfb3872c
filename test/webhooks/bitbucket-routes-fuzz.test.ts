import fc from "fast-check";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BitbucketControl } from "../../simulators/bitbucket/control.js";
import { startBitbucketSimulator } from "../../simulators/bitbucket/index.js";
import type { StartedSimulator } from "../../simulators/shared/types.js";
import { createOrganization } from "../helpers/fixtures.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { storeMode } from "../helpers/test-store.js";

const ascii = (s: string) => /^[\x20-\x7e]*$/.test(s);

describe(`Bitbucket routes under arbitrary input (${storeMode})`, () => {
  let sim: StartedSimulator<BitbucketControl>;
  let t: TestApp;
  let orgId: number;

  const written = async () => ({
    integrations: (await t.app.store.db.selectFrom("integrations").select("id").execute()).length,
    deliveries: (await t.app.store.db.selectFrom("webhook_deliveries").select("id").execute()).length,
  });

  beforeAll(async () => {
    sim = await startBitbucketSimulator();
    t = await startTestApp({ env: { BITBUCKET_INSTALL_KEYS_URL: sim.credentials.BITBUCKET_INSTALL_KEYS_URL as string } });
    orgId = (await createOrganization(t.app.store.db, `bb-fuzz-${Date.now()}`)).id;
  });
  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  // Bodies that look like lifecycle callbacks, with tokens that look like Connect JWTs but are not ours to believe.
  const lifecycleBody = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.record({ clientKey: fc.oneof(fc.string({ maxLength: 40 }), fc.integer()), sharedSecret: fc.string({ maxLength: 50 }), principal: fc.anything({ maxDepth: 2 }) }).map((v) => JSON.stringify(v)),
  );
  const token = fc.oneof(
    fc.string({ maxLength: 120 }),
    fc.record({ kid: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }), alg: fc.constantFrom("HS256", "RS256", "none", "ES256"), iss: fc.string({ maxLength: 20 }), aud: fc.string({ maxLength: 30 }) }).map(({ kid, alg, iss, aud }) => {
      const header = Buffer.from(JSON.stringify({ alg, ...(kid === undefined ? {} : { kid }) })).toString("base64url");
      const claims = Buffer.from(JSON.stringify({ iss, aud, iat: 1, exp: 9_999_999_999, qsh: "x" })).toString("base64url");
      return `${header}.${claims}.c2ln`;
    }),
  );

  it("never answers 5xx to installed/uninstalled and writes nothing without a valid Connect JWT (fuzzed)", async () => {
    const before = await written();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("installed", "uninstalled"), lifecycleBody, fc.option(token, { nil: undefined }), fc.constantFrom("JWT ", "Bearer ", "jwt ", ""), async (path, body, jwt, scheme) => {
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (jwt !== undefined && ascii(jwt)) headers.authorization = `${scheme}${jwt}`;
        const response = await fetch(`${t.url}/extensions/bitbucket/${path}/`, { method: "POST", headers, body });
        expect(response.status).toBeLessThan(500);
        expect(response.status).not.toBe(200);
      }),
      { numRuns: 120 },
    );
    expect(await written()).toEqual(before);
  });

  it("refuses an HS256 install token signed with the body's own secret, however it is dressed (fuzzed)", async () => {
    const before = await written();
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 40 }), fc.string({ minLength: 1, maxLength: 40 }), async (clientKey, secret) => {
        const jwt = await new SignJWT({ qsh: "x" }).setProtectedHeader({ alg: "HS256" }).setIssuer(clientKey).setIssuedAt().setExpirationTime("3m").sign(new TextEncoder().encode(secret));
        const response = await fetch(`${t.url}/extensions/bitbucket/installed/`, { method: "POST", headers: { "content-type": "application/json", authorization: `JWT ${jwt}` }, body: JSON.stringify({ clientKey, sharedSecret: secret }) });
        expect(response.status).toBe(401);
      }),
      { numRuns: 40 },
    );
    expect(await written()).toEqual(before);
  });

  it("never answers 5xx to the organization webhook and records nothing unverified (fuzzed)", async () => {
    const before = await written();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constant(String(orgId)), fc.string({ minLength: 1, maxLength: 20 }).filter((s) => /^[A-Za-z0-9_-]+$/.test(s))),
        fc.option(fc.constantFrom("issue:updated", "issue:created", "repo:push", "x"), { nil: undefined }),
        fc.oneof(fc.string({ maxLength: 200 }), fc.record({ repository: fc.record({ uuid: fc.string({ maxLength: 40 }), full_name: fc.string({ maxLength: 20 }) }), issue: fc.anything({ maxDepth: 2 }), changes: fc.anything({ maxDepth: 2 }) }).map((v) => JSON.stringify(v))),
        fc.option(fc.string({ maxLength: 80 }), { nil: undefined }),
        async (org, event, body, signature) => {
          const headers: Record<string, string> = { "content-type": "application/json" };
          if (event !== undefined) headers["x-event-key"] = event;
          if (signature !== undefined && ascii(signature)) headers["x-hub-signature"] = signature;
          const response = await fetch(`${t.url}/extensions/bitbucket/organizations/${org}/webhook/`, { method: "POST", headers, body });
          expect(response.status).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
    expect(await written()).toEqual(before);
  });

  it("answers 413 to a body over 25 MiB and 405 to other methods on every route", async () => {
    const big = "x".repeat(25 * 1024 * 1024 + 1);
    for (const path of ["installed/", "uninstalled/", `organizations/${orgId}/webhook/`]) {
      expect((await fetch(`${t.url}/extensions/bitbucket/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: big })).status).toBe(413);
      expect((await fetch(`${t.url}/extensions/bitbucket/${path}`, { method: "PUT", body: "{}" })).status).toBe(405);
    }
  });
});
