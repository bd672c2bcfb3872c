import type { Installed } from "../../domain/neutral-events.js";

/** The scopes Sentry's descriptor asks for, recorded on the integration as §8.1 does. */
export const BITBUCKET_SCOPES = ["issue:write", "pullrequest", "webhook", "repository"];

/** The Connect app descriptor Bitbucket reads before installing (provider-contracts §4.1). */
export function bitbucketDescriptor(publicUrl: string): Record<string, unknown> {
  const host = new URL(publicUrl).hostname;
  return {
    key: `${host}.bitbucket`,
    name: "Switchboard",
    description: "Link Switchboard issues to Bitbucket issues and keep them in sync.",
    vendor: { name: "Switchboard", url: publicUrl },
    baseUrl: publicUrl,
    authentication: { type: "jwt" },
    lifecycle: { installed: "/extensions/bitbucket/installed/", uninstalled: "/extensions/bitbucket/uninstalled/" },
    scopes: ["account", "repository", "issue:write", "pullrequest", "webhook"],
    contexts: ["account"],
  };
}

type Json = Record<string, unknown>;
const asObject = (value: unknown): Json | undefined => (value && typeof value === "object" && !Array.isArray(value) ? (value as Json) : undefined);
const text = (value: unknown, max: number): string | undefined => (typeof value === "string" && value.length > 0 && value.length <= max ? value : undefined);

export interface BitbucketInstall {
  integration: Installed;
  /** Kept apart from the metadata so that it can only be stored sealed. */
  sharedSecret: string;
}

export type LifecycleBody = { ok: true; clientKey: string; install: BitbucketInstall | null } | { ok: false; field: string; message: string };

/** The clientKey of a lifecycle body, if it has a usable one (needed before the JWT can be checked). */
export function lifecycleClientKey(body: unknown): string | undefined {
  return text(asObject(body)?.clientKey, 255);
}

/**
 * §8.1 `build_integration` from an `installed` body: provider bitbucket, external id = clientKey, name =
 * the principal's username, else its display name (the 2024 behaviour, pinned), else its uuid; metadata
 * with the public key, base URL, domain name (`<host>/<workspace>` for a team), icon, scopes, uuid and type.
 */
export function parseInstalledBody(body: unknown): LifecycleBody {
  const data = asObject(body);
  const clientKey = lifecycleClientKey(data);
  if (!data || !clientKey) return { ok: false, field: "clientKey", message: "clientKey is required" };
  const sharedSecret = text(data.sharedSecret, 1000);
  if (!sharedSecret) return { ok: false, field: "sharedSecret", message: "sharedSecret is required" };
  const principal = asObject(data.principal) ?? {};
  const username = text(principal.username, 255);
  const uuid = text(principal.uuid, 255) ?? null;
  const name = username ?? text(principal.display_name, 255) ?? uuid ?? clientKey;
  const type = text(principal.type, 50) ?? null;
  const baseUrl = text(data.baseUrl, 2000) ?? "";
  const baseApiUrl = text(data.baseApiUrl, 2000) ?? baseUrl;
  const host = baseUrl.replace(/^https?:\/\//i, "").replace(/\/+$/, "");
  const metadata = {
    public_key: text(data.publicKey, 10_000) ?? null,
    base_url: baseApiUrl || null,
    domain_name: type === "team" ? `${host}/${username ?? name}` : (username ?? name),
    icon: text(asObject(asObject(principal.links)?.avatar)?.href, 2000) ?? null,
    scopes: BITBUCKET_SCOPES,
    uuid,
    type,
  };
  return { ok: true, clientKey, install: { integration: { type: "installed", provider: "bitbucket", externalId: clientKey, name, metadata }, sharedSecret } };
}

/** Bitbucket's page that installs a Connect app from its descriptor and then returns the browser to `redirect_uri`. */
export const BITBUCKET_ADDON_AUTHORIZE_URL = "https://bitbucket.org/site/addons/authorize";

/** Where the browser installs the app: Bitbucket reads our descriptor and, once installed, redirects back with a `jwt`. */
export function bitbucketAuthorizeUrl(publicUrl: string, redirectUri: string): string {
  const url = new URL(BITBUCKET_ADDON_AUTHORIZE_URL);
  url.searchParams.set("descriptor_uri", `${publicUrl.replace(/\/+$/, "")}/extensions/bitbucket/descriptor/`);
  url.searchParams.set("redirect_uri", redirectUri);
  return url.toString();
}
