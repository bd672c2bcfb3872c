import type { Kysely } from "kysely";
import { isoNow, type Clock } from "../platform/clock.js";
import { recordAuthFailure } from "../store/auth-failures.js";
import type { Database } from "../store/schema.js";
import { classifyAuthError, type AuthFailureClass } from "./auth-failure-class.js";

/**
 * Records a classified authorization failure without ever failing or delaying the caller's request:
 * the counter is health information, the request's own outcome matters more. An unclassifiable error
 * (a class of undefined) is not recorded.
 */
export function noteAuthFailure(
  deps: { db: Kysely<Database>; clock: Clock },
  provider: string,
  externalId: string,
  failure: AuthFailureClass | unknown,
  message?: string,
): void {
  const failureClass = typeof failure === "string" ? (failure as AuthFailureClass) : classifyAuthError(failure);
  if (!failureClass) return;
  const text = message ?? (failure instanceof Error ? failure.message : String(failureClass));
  recordAuthFailure(deps.db, { provider, externalId }, failureClass, text, isoNow(deps.clock)).catch(() => undefined);
}
