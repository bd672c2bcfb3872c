import { withHeader, type AuthScheme } from "../../auth/authorize.js";
import { nowSeconds, type Clock } from "../../platform/clock.js";
import { requiresAppAuth, type AppJwtSigner } from "./app-jwt.js";
import { installationToken, installationTokenCache, type InstallationTokenDeps } from "./installation-token.js";

export interface GithubSchemeDeps {
  signer: AppJwtSigner;
  tokens: InstallationTokenDeps;
  clock: Clock;
  /** Seconds GitHub's clock is ahead of ours, measured from its `Date` header (D4). */
  skewSeconds(): number;
}

/** The path of an absolute URL without parsing it (this runs on every request). */
function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start === -1) return "/";
  const query = url.indexOf("?", start);
  return query === -1 ? url.slice(start) : url.slice(start, query);
}

/**
 * GitHub's scheme (§2, D5): the app JWT on app routes, the installation token everywhere else, fetched
 * when missing or within the margin of expiry and reused from memory while fresh; `renew` replaces the
 * refused token (one mint however many callers saw the 401).
 */
export function githubAppScheme(deps: GithubSchemeDeps, installationId: string): AuthScheme {
  const cache = installationTokenCache(deps.tokens);
  const margin = deps.tokens.marginSeconds;
  let lastCredential = "";
  let lastHeader = "";
  return {
    async authorize(request, context) {
      let credential: string;
      if (requiresAppAuth(pathOf(request.url))) {
        if (context.renew) deps.signer.forget();
        credential = deps.signer.sign(nowSeconds(deps.clock), deps.skewSeconds());
      } else if (context.renew) {
        credential = (await installationToken(deps.tokens, installationId, context.rejected)).token;
      } else {
        credential = (cache.fresh(installationId, nowSeconds(deps.clock), margin) ?? (await installationToken(deps.tokens, installationId))).token;
      }
      if (credential !== lastCredential) {
        lastCredential = credential;
        lastHeader = `Bearer ${credential}`;
      }
      return { request: withHeader(request, "authorization", lastHeader), marker: credential };
    },
  };
}
