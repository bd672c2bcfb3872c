import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newKey } from "../../src/platform/vault/keyring.js";
import { Vault } from "../../src/platform/vault/vault.js";
import { resealSecrets } from "../../src/store/reseal-secrets.js";
import { createTestStore, storeMode, type TestStore } from "../helpers/test-store.js";

describe(`rotate-key re-encryption (${storeMode})`, () => {
  let t: TestStore;
  const oldKey = newKey();
  const newerKey = newKey();
  const oldVault = new Vault([oldKey]);

  beforeAll(async () => {
    t = await createTestStore();
    const now = new Date().toISOString();
    await t.store.db
      .insertInto("identities")
      .values({
        provider: "vsts",
        external_id: "abc",
        user_id: null,
        credential: oldVault.sealJson({ access_token: "at-1", refresh_token: "rt-1" }),
        data: "{}",
        scopes: "[]",
        status: "active",
        version: 1,
        expires_at: null,
        refresh_intent_at: null,
        refresh_intent_id: null,
        last_refreshed_at: null,
        last_error: null,
        date_added: now,
        date_updated: now,
      })
      .execute();
    await t.store.db
      .insertInto("integrations")
      .values({
        provider: "vsts",
        external_id: "abc",
        name: "acme",
        status: "active",
        metadata: JSON.stringify({ domain_name: "acme", subscription: { id: "s1", secret: oldVault.seal("hook-secret") } }),
        date_added: now,
        date_updated: now,
      })
      .execute();
  });

  afterAll(async () => {
    await t.destroy();
  });

  it("re-encrypts sealed columns and sealed values nested in JSON with the newest key", async () => {
    const rotated = new Vault([newerKey, oldKey]);
    expect(await resealSecrets(t.store, rotated)).toBe(2);

    const identity = await t.store.db.selectFrom("identities").selectAll().executeTakeFirstOrThrow();
    expect(identity.credential).toContain(`:${newerKey.id}:`);
    const onlyNew = new Vault([newerKey]);
    expect(onlyNew.openJson(identity.credential)).toEqual({ access_token: "at-1", refresh_token: "rt-1" });

    const integration = await t.store.db.selectFrom("integrations").selectAll().executeTakeFirstOrThrow();
    const metadata = JSON.parse(integration.metadata) as { domain_name: string; subscription: { secret: string } };
    expect(metadata.domain_name).toBe("acme");
    expect(onlyNew.open(metadata.subscription.secret)).toBe("hook-secret");
  });

  it("changes nothing when every secret is already under the newest key", async () => {
    expect(await resealSecrets(t.store, new Vault([newerKey, oldKey]))).toBe(0);
  });
});
