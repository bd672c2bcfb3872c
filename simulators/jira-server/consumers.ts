import { createPublicKey, type KeyObject } from "node:crypto";

/** An Application Link's incoming authentication (§3.1): who may sign requests, and with which RSA key. */
export interface OAuthConsumer {
  key: string;
  name: string;
  /** Parsed once: every signed request is verified with it. */
  publicKey: KeyObject;
  publicKeyPem: string;
  /** The link's "Consumer Callback URL": where authorize redirects when the request token named none. */
  callbackUrl: string | undefined;
}

/** What an administrator types into the Application Link's incoming authentication form. */
export interface ConsumerRegistration {
  consumerKey: string;
  publicKeyPem: string;
  name?: string | undefined;
  callbackUrl?: string | undefined;
}

/** The consumers known to the simulated Jira, by consumer key. */
export class ConsumerRegistry {
  private readonly byKey = new Map<string, OAuthConsumer>();

  /** Adds or replaces a consumer; throws when the key is not an RSA public key (Jira only does RSA-SHA1). */
  register(input: ConsumerRegistration): OAuthConsumer {
    if (!input.consumerKey) throw new Error("consumerKey is required");
    const publicKey = createPublicKey(input.publicKeyPem);
    if (publicKey.asymmetricKeyType !== "rsa") throw new Error("the public key must be an RSA key");
    if (input.callbackUrl !== undefined) new URL(input.callbackUrl);
    const consumer: OAuthConsumer = {
      key: input.consumerKey,
      name: input.name ?? input.consumerKey,
      publicKey,
      publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
      callbackUrl: input.callbackUrl,
    };
    this.byKey.set(consumer.key, consumer);
    return consumer;
  }

  get(key: string | undefined): OAuthConsumer | undefined {
    return key === undefined ? undefined : this.byKey.get(key);
  }

  remove(key: string): boolean {
    return this.byKey.delete(key);
  }

  list(): OAuthConsumer[] {
    return [...this.byKey.values()];
  }

  clear(): void {
    this.byKey.clear();
  }
}
