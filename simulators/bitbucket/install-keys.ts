import { generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";
import type { SimResponse, SimServer } from "../shared/sim-server.js";
import type { BitbucketState } from "./state.js";

/** A fresh RSA install key and its kid (a UUID, as connect-install-keys.atlassian.com names them). */
export function newInstallKey(): { kid: string; publicPem: string; privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { kid: randomUUID(), publicPem: publicKey.export({ type: "spki", format: "pem" }).toString(), privateKey };
}

/** Adds a new signing key; earlier kids stay served because install keys are immutable per kid (§4.3). */
export function rotateInstallKey(state: BitbucketState): string {
  const key = newInstallKey();
  state.installKeys.set(key.kid, { publicPem: key.publicPem, privateKey: key.privateKey });
  state.currentKid = key.kid;
  return key.kid;
}

/** Serves `GET /install-keys/<kid>`: the PEM public key, like the Atlassian CDN. */
export function registerInstallKeyRoutes(server: SimServer, state: BitbucketState): void {
  server.route("GET", "/install-keys/:kid", (req): SimResponse => {
    const key = state.installKeys.get(req.params.kid ?? "");
    if (!key) return { status: 404, headers: { "content-type": "text/plain" }, body: "Not Found" };
    return { status: 200, headers: { "content-type": "application/x-pem-file", "cache-control": "max-age=31536000, immutable" }, body: key.publicPem };
  });
}
