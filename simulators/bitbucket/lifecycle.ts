import { createPublicKey, randomBytes } from "node:crypto";
import type { SimServer } from "../shared/sim-server.js";
import type { Delivery } from "../shared/webhook-sender.js";
import { ControlError } from "./control-error.js";
import { newInstallKey } from "./install-keys.js";
import { signHs256, signRs256 } from "./jwt.js";
import { queryStringHash } from "./qsh.js";
import { renderUser, type LinkBase } from "./render.js";
import { braced, type BbUser, type BbWorkspace, type BitbucketState, type Installation } from "./state.js";

/** How a lifecycle request is signed (§4.3): RS256 signed install, HS256 legacy, or not at all. */
export type LifecycleSigning = "rs256" | "hs256-stored" | "hs256-new" | "none";

export interface InstallOptions {
  /** The app's base URL; its descriptor is read from `<appUrl>/extensions/bitbucket/descriptor/`. */
  appUrl?: string;
  /** Or the descriptor's exact URL. */
  descriptorUrl?: string;
  /** Workspace the app is installed into (the `principal`); default: the first workspace. */
  workspace?: string;
  /** Who installs it (the `user`); default: the workspace's owner or first member. */
  user?: string;
  /** Default `rs256`; `hs256-stored` signs with the secret stored by the previous install (a re-install). */
  signing?: LifecycleSigning;
  /** The shared secret to hand over; generated when absent. */
  sharedSecret?: string;
  /** Leave `username` out of principal and user, as Bitbucket does for accounts that hide it. */
  hideUsername?: boolean;
  /** Claims to add or replace in the lifecycle JWT (`null` removes one), to forge bad installs. */
  claims?: Record<string, unknown>;
  /** Sign RS256 with a key whose kid the install-keys URL does not serve. */
  unservedKey?: boolean;
}

export interface LifecycleResult {
  eventType: "installed" | "uninstalled";
  clientKey: string;
  sharedSecret: string;
  url: string;
  payload: Record<string, unknown>;
  token: string | undefined;
  status: number | null;
  error: string | null;
  /** Whether the app answered 2xx (only then does Bitbucket keep the installation). */
  accepted: boolean;
}

interface Descriptor {
  key: string;
  baseUrl: string;
  installed: string;
  uninstalled: string | undefined;
  scopes: string[];
}

/** A descriptor path is relative to the app's baseUrl (Connect joins them); an absolute URL stands alone. */
function resolveAppUrl(baseUrl: string, path: string): string {
  if (/^https?:\/\//i.test(path)) return path;
  return `${baseUrl.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}

async function readDescriptor(url: string): Promise<Descriptor> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw new ControlError(`could not fetch the app descriptor at ${url}: ${(error as Error).message}`);
  }
  const text = await response.text();
  if (response.status !== 200) throw new ControlError(`the app descriptor at ${url} answered ${response.status}`);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new ControlError(`the app descriptor at ${url} is not JSON`);
  }
  const lifecycle = (json.lifecycle ?? {}) as Record<string, unknown>;
  const authentication = (json.authentication ?? {}) as Record<string, unknown>;
  if (typeof json.key !== "string" || !json.key) throw new ControlError("descriptor has no key");
  if (typeof json.baseUrl !== "string" || !/^https?:\/\//.test(json.baseUrl)) throw new ControlError("descriptor baseUrl must be an absolute URL");
  if (authentication.type !== "jwt") throw new ControlError('descriptor authentication.type must be "jwt"');
  if (typeof lifecycle.installed !== "string") throw new ControlError("descriptor has no lifecycle.installed");
  return {
    key: json.key,
    baseUrl: json.baseUrl,
    installed: resolveAppUrl(json.baseUrl, lifecycle.installed),
    uninstalled: typeof lifecycle.uninstalled === "string" ? resolveAppUrl(json.baseUrl, lifecycle.uninstalled) : undefined,
    scopes: Array.isArray(json.scopes) ? json.scopes.map(String) : [],
  };
}

/** The account the app is installed into (§4.2): a team workspace, or a user for a personal workspace. */
function principalOf(ws: BbWorkspace, state: BitbucketState, base: LinkBase, hideUsername: boolean): Record<string, unknown> {
  const owner = ws.owner ? state.users.get(ws.owner) : undefined;
  if (ws.kind === "user" && owner) return accountOf(owner, base, hideUsername);
  const principal: Record<string, unknown> = {
    type: "team",
    uuid: ws.uuid,
    username: ws.slug,
    display_name: ws.name,
    links: { avatar: { href: `${base.web}/account/${ws.slug}/avatar/32/` }, html: { href: `${base.web}/${ws.slug}/` } },
  };
  if (hideUsername) delete principal.username;
  return principal;
}

function accountOf(user: BbUser, base: LinkBase, hideUsername: boolean): Record<string, unknown> {
  const account: Record<string, unknown> = { ...renderUser(user, base), username: user.nickname };
  if (hideUsername) delete account.username;
  return account;
}

/** Lifecycle JWT claims (§4.3): `iss` = clientKey, `aud` = the app's baseUrl, the request's `qsh`. */
function lifecycleClaims(clientKey: string, url: string, appBaseUrl: string, now: number, user: BbUser | undefined, extra: Record<string, unknown> = {}) {
  const target = new URL(url);
  const contextPath = new URL(appBaseUrl).pathname;
  const claims: Record<string, unknown> = {
    iss: clientKey,
    ...(user ? { sub: user.accountId } : {}),
    aud: appBaseUrl,
    iat: now,
    exp: now + 180,
    qsh: queryStringHash("POST", target.pathname, target.searchParams, contextPath),
  };
  for (const [k, v] of Object.entries(extra)) {
    if (v === null) delete claims[k];
    else claims[k] = v;
  }
  return claims;
}

function sign(state: BitbucketState, signing: LifecycleSigning, claims: Record<string, unknown>, secrets: { stored?: string; fresh: string }, unservedKey: boolean): string | undefined {
  switch (signing) {
    case "none":
      return undefined;
    case "hs256-new":
      return signHs256(claims, secrets.fresh);
    case "hs256-stored":
      if (!secrets.stored) throw new ControlError("hs256-stored signing needs a previous installation of this clientKey");
      return signHs256(claims, secrets.stored);
    case "rs256": {
      if (unservedKey) {
        const rogue = newInstallKey();
        return signRs256(claims, rogue.privateKey, rogue.kid);
      }
      const key = state.installKeys.get(state.currentKid);
      if (!key) throw new ControlError("no install key");
      return signRs256(claims, key.privateKey, state.currentKid);
    }
  }
}

/** Connect's deprecated `publicKey`: base64 DER of Bitbucket's current public key. */
function publicKeyOf(state: BitbucketState): string {
  const pem = state.installKeys.get(state.currentKid)?.publicPem;
  return pem ? createPublicKey(pem).export({ type: "spki", format: "der" }).toString("base64") : "";
}

async function post(server: SimServer, url: string, payload: Record<string, unknown>, token: string | undefined): Promise<Delivery> {
  const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "Bitbucket.org" };
  if (token) headers.authorization = `JWT ${token}`;
  return server.webhooks.send(url, headers, JSON.stringify(payload));
}

/** Installs the app as Bitbucket does: reads its descriptor and POSTs a signed `installed` (§4.1-4.3). */
export async function installApp(server: SimServer, state: BitbucketState, base: LinkBase, options: InstallOptions & { defaultAppUrl?: string }): Promise<LifecycleResult> {
  const appUrl = options.appUrl ?? options.defaultAppUrl;
  const descriptorUrl = options.descriptorUrl ?? (appUrl ? `${appUrl.replace(/\/+$/, "")}/extensions/bitbucket/descriptor/` : undefined);
  if (!descriptorUrl) throw new ControlError("appUrl or descriptorUrl is required");
  const descriptor = await readDescriptor(descriptorUrl);
  const ws = options.workspace ? state.workspaces.get(options.workspace.toLowerCase()) : state.workspaces.values().next().value;
  if (!ws) throw new ControlError(`unknown workspace ${options.workspace ?? "(none seeded)"}`);
  const userRef = options.user ?? ws.owner ?? ws.members.values().next().value;
  const user = userRef ? state.findUser(userRef) : undefined;
  if (options.user && !user) throw new ControlError(`unknown user ${options.user}`);
  const clientKey = state.clientKeyFor(descriptor.key, ws.slug);
  const previous = state.installations.get(clientKey);
  const sharedSecret = options.sharedSecret ?? randomBytes(32).toString("base64url");
  const hide = options.hideUsername === true;
  const principal = principalOf(ws, state, base, hide);
  const payload: Record<string, unknown> = {
    key: descriptor.key,
    eventType: "installed",
    clientKey,
    // Deprecated in Connect but still sent; Sentry tells a real install by its presence.
    publicKey: publicKeyOf(state),
    sharedSecret,
    serverVersion: "1",
    pluginsVersion: "1",
    baseUrl: base.api,
    baseApiUrl: base.api,
    displayUrl: base.web,
    productType: "bitbucket",
    description: "Bitbucket",
    principal,
    user: user ? accountOf(user, base, hide) : principal,
  };
  const now = server.clock.nowSeconds();
  const claims = lifecycleClaims(clientKey, descriptor.installed, descriptor.baseUrl, now, user, options.claims);
  const token = sign(state, options.signing ?? "rs256", claims, { stored: previous?.sharedSecret, fresh: sharedSecret }, options.unservedKey === true);
  const delivery = await post(server, descriptor.installed, payload, token);
  const accepted = delivery.status !== null && delivery.status >= 200 && delivery.status < 300;
  if (accepted) {
    const installation: Installation = {
      clientKey,
      appKey: descriptor.key,
      sharedSecret,
      appBaseUrl: descriptor.baseUrl,
      installedUrl: descriptor.installed,
      uninstalledUrl: descriptor.uninstalled,
      scopes: descriptor.scopes,
      workspace: ws.slug,
      installedBy: user?.uuid,
      installedAt: new Date(server.clock.now()).toISOString(),
      appUserUuid: previous?.appUserUuid ?? braced(),
    };
    state.installations.set(clientKey, installation);
    state.lastClientKey = clientKey;
  }
  return { eventType: "installed", clientKey, sharedSecret, url: descriptor.installed, payload, token, status: delivery.status, error: delivery.error, accepted };
}

/** Uninstalls: Bitbucket forgets the installation and POSTs a signed `uninstalled` to the app. */
export async function uninstallApp(
  server: SimServer,
  state: BitbucketState,
  base: LinkBase,
  clientKey: string | undefined,
  options: Pick<InstallOptions, "signing" | "claims" | "unservedKey" | "hideUsername"> = {},
): Promise<LifecycleResult> {
  const key = clientKey ?? state.lastClientKey;
  const installation = key ? state.installations.get(key) : undefined;
  if (!installation) throw new ControlError(`no installation with clientKey ${key ?? "(none)"}`);
  const ws = state.workspaces.get(installation.workspace);
  const user = installation.installedBy ? state.users.get(installation.installedBy) : undefined;
  const hide = options.hideUsername === true;
  const principal = ws ? principalOf(ws, state, base, hide) : {};
  const payload: Record<string, unknown> = {
    key: installation.appKey,
    eventType: "uninstalled",
    clientKey: installation.clientKey,
    publicKey: publicKeyOf(state),
    sharedSecret: installation.sharedSecret,
    baseUrl: base.api,
    baseApiUrl: base.api,
    displayUrl: base.web,
    productType: "bitbucket",
    description: "Bitbucket",
    principal,
    user: user ? accountOf(user, base, hide) : principal,
  };
  state.installations.delete(installation.clientKey);
  if (state.lastClientKey === installation.clientKey) state.lastClientKey = [...state.installations.keys()].pop();
  const url = installation.uninstalledUrl;
  if (!url) return { eventType: "uninstalled", clientKey: installation.clientKey, sharedSecret: installation.sharedSecret, url: "", payload, token: undefined, status: null, error: "descriptor has no lifecycle.uninstalled", accepted: false };
  const claims = lifecycleClaims(installation.clientKey, url, installation.appBaseUrl, server.clock.nowSeconds(), user, options.claims);
  const token = sign(state, options.signing ?? "rs256", claims, { stored: installation.sharedSecret, fresh: installation.sharedSecret }, options.unservedKey === true);
  const delivery = await post(server, url, payload, token);
  const accepted = delivery.status !== null && delivery.status >= 200 && delivery.status < 300;
  return { eventType: "uninstalled", clientKey: installation.clientKey, sharedSecret: installation.sharedSecret, url, payload, token, status: delivery.status, error: delivery.error, accepted };
}
