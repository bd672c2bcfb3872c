import type { FastifyRequest } from "fastify";
import type { App } from "../../app.js";
import { installKeyResolver } from "../../providers/bitbucket/install-keys.js";
import { lifecycleClientKey } from "../../providers/bitbucket/install.js";
import { verifyLifecycleJwt, type LifecycleKeys } from "../../providers/bitbucket/verify-lifecycle-jwt.js";
import { findIntegrationByExternalId } from "../../store/integrations.js";
import { headerOf } from "../raw-body-route.js";

export type VerifiedLifecycle = { ok: true; clientKey: string; body: unknown } | { ok: false; status: number; code: string; message: string };

/** One key resolver per app, so its cache of install keys lives as long as the app. */
const resolvers = new WeakMap<App, (kid: string) => ReturnType<LifecycleKeys["installKey"]>>();

function keysFor(app: App): LifecycleKeys {
  let installKey = resolvers.get(app);
  if (!installKey) {
    installKey = installKeyResolver(app.config.bitbucket.installKeysUrl, app.config.allowPrivateTargets);
    resolvers.set(app, installKey);
  }
  return { installKey, storedSecret: (clientKey) => storedSharedSecret(app, clientKey) };
}

/** The shared secret of an ACTIVE Bitbucket integration: an uninstalled one's secret proves nothing any more. */
async function storedSharedSecret(app: App, clientKey: string): Promise<string | null> {
  const integration = await findIntegrationByExternalId(app.store.db, "bitbucket", clientKey);
  if (!integration || integration.status !== "active") return null;
  const sealed = (JSON.parse(integration.metadata) as { shared_secret?: unknown }).shared_secret;
  return typeof sealed === "string" && sealed.length > 0 ? app.vault.open(sealed) : null;
}

/**
 * Parses a Connect lifecycle body and verifies its JWT (D11) against this request's method, path and
 * query; nothing is written here.
 */
export async function verifyLifecycleRequest(app: App, request: FastifyRequest, raw: Buffer): Promise<VerifiedLifecycle> {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString("utf8"));
  } catch {
    return { ok: false, status: 400, code: "webhook_body_not_json", message: "Body is not valid JSON" };
  }
  const clientKey = lifecycleClientKey(body);
  if (!clientKey) return { ok: false, status: 400, code: "lifecycle_client_key_missing", message: "The lifecycle body has no clientKey" };
  const url = new URL(request.url, "http://switchboard.invalid");
  const verdict = await verifyLifecycleJwt(
    { method: request.method, path: url.pathname, query: url.searchParams, authorization: headerOf(request, "authorization"), clientKey },
    keysFor(app),
    { audience: app.config.publicUrl, now: new Date(app.clock.now()) },
  );
  if (!verdict.ok) return { ok: false, status: 401, code: verdict.code, message: verdict.message };
  return { ok: true, clientKey, body };
}
