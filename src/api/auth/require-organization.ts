import type { FastifyRequest } from "fastify";
import type { App } from "../../app.js";
import { AppError } from "../../domain/errors.js";
import { isoNow } from "../../platform/clock.js";
import { findApiToken, touchApiToken } from "../../store/api-tokens.js";
import { assertCsrf, sessionFromRequest, sessionOrganization } from "./session-auth.js";

/** The organization a request acts for. */
export interface AuthenticatedOrganization {
  id: number;
  slug: string;
  name: string;
  features: string;
  /** The API token used, or null for a dashboard session. */
  tokenId: number | null;
  /** The signed-in member's user for a dashboard session; null for an API token. */
  userId: number | null;
}

const TOUCH_EVERY_MS = 60_000;

/**
 * Resolves the bearer API token to its organization: 401 when missing or unknown. Every object
 * outside that organization answers 404 to keep other organizations invisible. Without an
 * Authorization header, a dashboard session cookie (plus its CSRF header on writes) acts as the member.
 */
export async function requireOrganization(app: App, request: FastifyRequest): Promise<AuthenticatedOrganization> {
  const header = request.headers.authorization;
  if (!header) {
    const session = await sessionFromRequest(app, request);
    if (!session) throw new AppError("unauthorized", "authentication_required", "Authentication credentials were not provided.");
    assertCsrf(request, session);
    return { ...(await sessionOrganization(app, request, session)), tokenId: null, userId: session.userId };
  }
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new AppError("unauthorized", "invalid_authorization_header", "Authorization header must be \"Bearer <token>\"");
  const token = await findApiToken(app.store.db, match[1] as string);
  if (!token) throw new AppError("unauthorized", "invalid_token", "Invalid token");
  const org = await app.store.db
    .selectFrom("organizations")
    .select(["id", "slug", "name", "features"])
    .where("id", "=", token.organization_id)
    .where("status", "=", "active")
    .executeTakeFirst();
  if (!org) throw new AppError("unauthorized", "invalid_token", "Invalid token");
  const now = app.clock.now();
  if (!token.last_used || now - Date.parse(token.last_used) > TOUCH_EVERY_MS) {
    await touchApiToken(app.store.db, token.id, isoNow(app.clock));
  }
  return { ...org, tokenId: token.id, userId: null };
}

/** 404 unless `slug` names the token's organization. */
export function assertOrganizationSlug(org: AuthenticatedOrganization, slug: string): void {
  if (org.slug.toLowerCase() !== slug.toLowerCase()) {
    throw new AppError("not_found", "organization_not_found", "The requested resource does not exist");
  }
}
