import { z } from "zod";

/**
 * A string field as Django REST framework accepts it: no NUL characters (PostgreSQL cannot store
 * them, and DRF refuses them with this message), so such input is a 400 and never a store error.
 */
export function text() {
  return z.string().refine((s) => !s.includes("\u0000"), "Null characters are not allowed.");
}

/** True when a path segment can be looked up at all (no NUL characters); otherwise it names nothing. */
export function isLookupable(value: string): boolean {
  return !value.includes("\u0000");
}
