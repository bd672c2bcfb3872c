/**
 * Decrypted credentials this process has read or written, kept until they come within the refresh margin
 * of their expiry: a request whose credential is valid costs no store read and no decryption. A sibling
 * process refreshing does not invalidate ours (the old token stays valid until it expires or is refused;
 * a refusal takes the forced path, which bypasses this cache). Scoped per store, so that two apps in one
 * process (tests, tools) never share entries.
 */
export class CredentialCache<S> {
  private static readonly byOwner = new WeakMap<object, Map<string, CredentialCache<unknown>>>();
  private readonly entries = new Map<string, { expiresAt: number; secret: S }>();

  /** The cache of one store (any object identifying it, e.g. the Kysely instance) for one kind of credential. */
  static for<S>(owner: object, name: string): CredentialCache<S> {
    let caches = CredentialCache.byOwner.get(owner);
    if (!caches) {
      caches = new Map();
      CredentialCache.byOwner.set(owner, caches);
    }
    let cache = caches.get(name);
    if (!cache) {
      cache = new CredentialCache<unknown>();
      caches.set(name, cache);
    }
    return cache as CredentialCache<S>;
  }

  /** Drops every cached credential of one store (after the store was changed behind the service's back). */
  static clear(owner: object): void {
    for (const cache of CredentialCache.byOwner.get(owner)?.values() ?? []) cache.entries.clear();
  }

  /** The secret when it is valid beyond `nowSeconds + marginSeconds`, else undefined (and forgotten). */
  fresh(key: string, nowSeconds: number, marginSeconds: number): S | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > nowSeconds + marginSeconds) return entry.secret;
    this.entries.delete(key);
    return undefined;
  }

  /** Remembers a credential read from or written to the store. */
  remember(key: string, expiresAt: number | null, secret: S): void {
    if (expiresAt === null) return;
    this.entries.set(key, { expiresAt, secret });
  }

  /** Forgets a credential (refused by the provider, or marked needs_reauth). */
  forget(key: string): void {
    this.entries.delete(key);
  }
}
