/**
 * Why an authorization failed, as a person can act on it: re-authorize (revoked), nothing (rotated by a
 * sibling: recovered; replication delay: retried), wait (provider outage, lock contention), fix the
 * deployment (clock skew, configuration error: wrong client secret, wrong refresh method).
 */
export const AUTH_FAILURE_CLASSES = [
  "revoked",
  "rotated_by_sibling",
  "provider_outage",
  "clock_skew",
  "replication_delay",
  "configuration_error",
  "lock_contention",
] as const;

export type AuthFailureClass = (typeof AUTH_FAILURE_CLASSES)[number];

/** What a person should do about each class (shown beside the counts). */
export const AUTH_FAILURE_ADVICE: Record<AuthFailureClass, string> = {
  revoked: "The authorization was revoked or expired: re-authorize the integration.",
  rotated_by_sibling: "Another process refreshed the credential first; its token was used (recovered, nothing to do).",
  provider_outage: "The provider could not be reached or answered 5xx; calls are retried later.",
  clock_skew: "The provider refused a token's time claims; this server's clock differs from the provider's.",
  replication_delay: "A freshly minted token was not yet known everywhere at the provider; retried after a pause.",
  configuration_error: "The provider refused the app's own credentials (client secret, app key, refresh method): fix the configuration.",
  lock_contention: "A refresh of this credential was held by another process for too long; try again.",
};

interface ErrorLike {
  code?: unknown;
  kind?: unknown;
  message?: unknown;
  detail?: unknown;
}

/**
 * The class of an error a token endpoint or a provider call raised, when it is an authorization matter:
 * unreachable or 5xx is an outage; the app's own credentials refused (invalid_client, not configured) is
 * a configuration error; anything else unauthorized is a revocation. Undefined for unrelated errors.
 */
export function classifyAuthError(error: unknown): AuthFailureClass | undefined {
  const e = (error && typeof error === "object" ? error : {}) as ErrorLike;
  const code = typeof e.code === "string" ? e.code : "";
  const message = typeof e.message === "string" ? e.message : "";
  const status = Number((e.detail as { status?: unknown } | undefined)?.status);
  if (/not_configured$/.test(code) || /invalid_client|unauthorized_client|AADSTS7000215|AADSTS700016|unsupported_grant_type/.test(message)) return "configuration_error";
  if (code === "identity_refresh_busy") return "lock_contention";
  if (e.kind === "unavailable" || /^(ECONN|ETIMEDOUT|UND_ERR)/.test(code) || code.startsWith("http_") || status >= 500 || /HTTP 5\d\d/.test(message)) return "provider_outage";
  if (e.kind === "unauthorized" || code === "identity_not_valid" || code === "identity_needs_reauth" || /invalid_grant|token_rejected|token_expired/.test(message)) return "revoked";
  return undefined;
}
