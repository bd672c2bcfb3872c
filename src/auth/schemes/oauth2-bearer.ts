import type { HttpRequest } from "../../platform/http/send-http.js";
import { withHeader, type AuthScheme } from "../authorize.js";
import { getFreshCredential, type RefreshDeps, type TokenEndpoint } from "../refresh/refresh-credential.js";

/** Which stored credential a scheme uses, and how its provider refreshes it. */
export interface OAuth2CredentialRef {
  provider: string;
  externalId: string;
  tokenEndpoint: TokenEndpoint;
}

/**
 * Bearer token kept fresh by the refresh engine (D1-D3): refreshed when `expires <= now + margin`, once
 * per credential across the deployment; after a 401 the refresh is forced for the token that was refused.
 */
export function oauth2BearerScheme(deps: RefreshDeps, ref: OAuth2CredentialRef): AuthScheme {
  return {
    async authorize(request: HttpRequest, context) {
      const credential = await getFreshCredential(deps, ref.provider, ref.externalId, ref.tokenEndpoint, {
        force: context.renew,
        rejectedAccessToken: context.rejected,
      });
      const token = credential.secret.accessToken;
      return { request: withHeader(request, "authorization", `Bearer ${token}`), marker: token };
    },
  };
}
