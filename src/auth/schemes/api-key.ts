import type { AuthScheme } from "../authorize.js";

/**
 * A static key in a header (Opsgenie's `Authorization: GenieKey <key>`). Nothing can renew it, so a 401
 * is final: no retry.
 */
export function apiKeyScheme(header: string, value: () => string | Promise<string>): AuthScheme {
  return {
    async authorize(request) {
      return { request: { ...request, headers: { ...request.headers, [header]: await value() } } };
    },
    shouldRenew: () => false,
  };
}
