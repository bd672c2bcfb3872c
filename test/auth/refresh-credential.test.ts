import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getFreshCredential, RefreshRefused, type OAuth2Secret, type RefreshDeps, type TokenEndpoint } from "../../src/auth/refresh/refresh-credential.js";
import { createPlatform, type Platform } from "../../src/platform/create-platform.js";
import { ManualClock } from "../../src/platform/clock.js";
import { newKey } from "../../src/platform/vault/keyring.js";
import { Vault } from "../../src/platform/vault/vault.js";
import { readCredential, writeCredential } from "../../src/store/identities.js";
import { createTestStore, redisUrl, uniquePrefix, type TestStore } from "../helpers/test-store.js";

/** A token server that rotates the refresh token on every use and refuses a used one (invalid_grant). */
async function startTokenServer(): Promise<{ url: string; calls: () => number; server: Server }> {
  let current = "rt-0";
  let n = 0;
  let calls = 0;
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      calls++;
      const presented = new URLSearchParams(body).get("refresh_token");
      if (presented !== current) {
        res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: "invalid_grant" }));
        return;
      }
      n++;
      current = `rt-${n}`;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ access_token: `at-${n}`, refresh_token: current, expires_in: 3600 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`, calls: () => calls, server };
}

function endpointAt(url: string): TokenEndpoint {
  return async (refreshToken) => {
    const res = await fetch(url, { method: "POST", body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken }) });
    const json = (await res.json()) as { access_token?: string; refresh_token?: string; expires_in?: number; error?: string };
    if (!res.ok) throw new RefreshRefused(json.error ?? `HTTP ${res.status}`);
    return { accessToken: json.access_token ?? "", refreshToken: json.refresh_token, expiresInSeconds: json.expires_in };
  };
}

describe("refreshing an OAuth2 credential", () => {
  let ts: TestStore;
  let platform: Platform;
  let tokens: Awaited<ReturnType<typeof startTokenServer>>;
  let deps: RefreshDeps;
  const clock = new ManualClock(Date.parse("2026-01-01T00:00:00Z"));
  const key = { provider: "azure-devops", externalId: "user-1" };

  beforeEach(async () => {
    ts = await createTestStore();
    platform = await createPlatform({ store: ts.store, redisUrl, keyPrefix: uniquePrefix("refresh"), clock });
    tokens = await startTokenServer();
    deps = { db: ts.store.db, vault: new Vault([newKey()]), lock: platform.lock, clock, marginSeconds: 60 };
    const expired = Math.floor(clock.now() / 1000) - 10;
    await writeCredential<OAuth2Secret>(deps.db, deps.vault, key, 0, { accessToken: "at-0", refreshToken: "rt-0" }, expired, "2026-01-01T00:00:00Z");
  });

  afterEach(async () => {
    tokens.server.close();
    await platform.close();
    await ts.destroy();
  });

  it("calls the token endpoint exactly once for 100 concurrent callers and persists the rotated refresh token", async () => {
    const results = await Promise.all(Array.from({ length: 100 }, () => getFreshCredential(deps, key.provider, key.externalId, endpointAt(tokens.url))));
    expect(tokens.calls()).toBe(1);
    expect(new Set(results.map((r) => r.secret.accessToken))).toEqual(new Set(["at-1"]));
    const stored = await readCredential<OAuth2Secret>(deps.db, deps.vault, key.provider, key.externalId);
    expect(stored?.secret.refreshToken).toBe("rt-1");
  });

  it("calls the token endpoint exactly once for 50 callers in each of two processes sharing the store and lock", async () => {
    const secondStore = await ts.reopen();
    const prefix = uniquePrefix("refresh-two");
    const platformA = await createPlatform({ store: ts.store, redisUrl, keyPrefix: prefix, clock });
    const platformB = await createPlatform({ store: secondStore, redisUrl, keyPrefix: prefix, clock });
    try {
      // Embedded mode has no cross-process lock; the two "processes" then share one in-memory lock.
      const lockB = redisUrl ? platformB.lock : platformA.lock;
      const a: RefreshDeps = { ...deps, lock: platformA.lock, inFlight: new Map() };
      const b: RefreshDeps = { ...deps, db: secondStore.db, lock: lockB, inFlight: new Map() };
      const calls = [a, b].flatMap((d) => Array.from({ length: 50 }, () => getFreshCredential(d, key.provider, key.externalId, endpointAt(tokens.url))));
      const results = await Promise.all(calls);
      expect(tokens.calls()).toBe(1);
      expect(new Set(results.map((r) => r.secret.accessToken))).toEqual(new Set(["at-1"]));
    } finally {
      await platformA.close();
      await platformB.close();
      await secondStore.close();
    }
  });

  it("marks the credential needs_reauth when the same refresh token is refused, then makes no token calls", async () => {
    await getFreshCredential(deps, key.provider, key.externalId, endpointAt(tokens.url));
    // Someone else burns the stored chain behind our back: the stored refresh token is now refused.
    await endpointAt(tokens.url)("rt-1");
    await expect(getFreshCredential(deps, key.provider, key.externalId, endpointAt(tokens.url), { force: true, rejectedAccessToken: "at-1" })).rejects.toMatchObject({ code: "identity_needs_reauth" });
    const before = tokens.calls();
    await expect(getFreshCredential(deps, key.provider, key.externalId, endpointAt(tokens.url))).rejects.toMatchObject({ code: "identity_needs_reauth" });
    expect(tokens.calls()).toBe(before);
  });

  it("reports a refresh whose answer was lost as such once the provider refuses its refresh token, then calls no more", async () => {
    const lost: TokenEndpoint = async (refreshToken) => {
      await endpointAt(tokens.url)(refreshToken); // the provider rotated, but the answer never reached us
      throw new Error("socket hang up");
    };
    await expect(getFreshCredential(deps, key.provider, key.externalId, lost)).rejects.toThrow("socket hang up");
    const before = tokens.calls();
    await expect(getFreshCredential(deps, key.provider, key.externalId, endpointAt(tokens.url))).rejects.toMatchObject({ code: "identity_refresh_lost" });
    expect(tokens.calls()).toBe(before + 1);
    const state = await ts.store.db.selectFrom("identities").select(["status", "last_error"]).executeTakeFirstOrThrow();
    expect(state).toMatchObject({ status: "needs_reauth", last_error: expect.stringContaining("identity_refresh_lost") });
    await expect(getFreshCredential(deps, key.provider, key.externalId, endpointAt(tokens.url))).rejects.toMatchObject({ code: "identity_needs_reauth" });
    expect(tokens.calls()).toBe(before + 1);
  });

  it("recovers when the request that lost its answer never reached the provider (the chain was not burned)", async () => {
    const timedOutBeforeSending: TokenEndpoint = async () => {
      throw new Error("connect ETIMEDOUT");
    };
    await expect(getFreshCredential(deps, key.provider, key.externalId, timedOutBeforeSending)).rejects.toThrow("ETIMEDOUT");
    const fresh = await getFreshCredential(deps, key.provider, key.externalId, endpointAt(tokens.url));
    expect(fresh.secret).toMatchObject({ accessToken: "at-1", refreshToken: "rt-1" });
    const row = await ts.store.db.selectFrom("identities").select(["status", "refresh_intent_id"]).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: "active", refresh_intent_id: null });
  });

  it("keeps the old refresh token when the provider does not send a new one, and defaults a missing expires_in", async () => {
    const noRotation: TokenEndpoint = () => Promise.resolve({ accessToken: "at-static" });
    const fresh = await getFreshCredential({ ...deps, defaultLifetimeSeconds: 3600 }, key.provider, key.externalId, noRotation);
    expect(fresh.secret).toMatchObject({ accessToken: "at-static", refreshToken: "rt-0" });
    expect(fresh.expiresAt).toBe(Math.floor(clock.now() / 1000) + 3600);
    const again = await getFreshCredential(deps, key.provider, key.externalId, () => Promise.reject(new Error("must not refresh")));
    expect(again.secret.accessToken).toBe("at-static");
  });

  it("refreshes a rejected but unexpired token once, however many callers report the same rejection", async () => {
    await getFreshCredential(deps, key.provider, key.externalId, endpointAt(tokens.url));
    const rejected = { force: true, rejectedAccessToken: "at-1" };
    const results = await Promise.all(Array.from({ length: 20 }, () => getFreshCredential(deps, key.provider, key.externalId, endpointAt(tokens.url), rejected)));
    expect(tokens.calls()).toBe(2);
    expect(new Set(results.map((r) => r.secret.accessToken))).toEqual(new Set(["at-2"]));
  });

  it("refuses a credential without expiry with Sentry's message before any HTTP call", async () => {
    const other = { provider: "azure-devops", externalId: "no-expiry" };
    await writeCredential<OAuth2Secret>(deps.db, deps.vault, other, 0, { accessToken: "a", refreshToken: "r" }, null, "2026-01-01T00:00:00Z");
    await expect(getFreshCredential(deps, other.provider, other.externalId, endpointAt(tokens.url))).rejects.toMatchObject({
      code: "identity_missing_expiry",
      message: "VstsApiClient requires identity with specified expired time",
    });
    expect(tokens.calls()).toBe(0);
  });
});
