import type { FastifyRequest } from "fastify";
import type { App } from "../../app.js";
import { AppError } from "../../domain/errors.js";
import { findWebSession, touchWebSession, type WebSession } from "../../store/web-sessions.js";
import { csrfHeaderMatches, readCookie, SESSION_COOKIE } from "./session-cookies.js";

/** A session ends after this long without a request. */
export const SESSION_IDLE_MS = 7 * 24 * 3600_000;
const TOUCH_EVERY_MS = 60_000;
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The header the dashboard names its current organization with, for routes whose path has none. */
export const ORGANIZATION_HEADER = "x-switchboard-organization";

/** The live session named by the request's cookie (its idle expiry slid forward), or undefined. */
export async function sessionFromRequest(app: App, request: FastifyRequest): Promise<WebSession | undefined> {
  const token = readCookie(request, SESSION_COOKIE);
  if (!token) return undefined;
  const now = app.clock.now();
  const session = await findWebSession(app.store.db, token, new Date(now).toISOString());
  if (session && now - Date.parse(session.lastSeenAt) > TOUCH_EVERY_MS) {
    await touchWebSession(app.store.db, session.id, new Date(now).toISOString(), new Date(now + SESSION_IDLE_MS).toISOString());
  }
  return session;
}

/** 403 unless a state-changing request carries the session's CSRF token in its header. */
export function assertCsrf(request: FastifyRequest, session: WebSession): void {
  if (SAFE_METHODS.has(request.method)) return;
  if (!csrfHeaderMatches(request, session.csrfHash)) {
    throw new AppError("forbidden", "csrf_token_invalid", "This request needs the X-CSRF-Token header from the sb_csrf cookie; reload the page and try again.");
  }
}

/**
 * The organization a session request acts for: the path's `:org`, else the organization header, else the
 * member's only organization. 404 when the user is not a member of it, as for another organization's token.
 */
export async function sessionOrganization(app: App, request: FastifyRequest, session: WebSession) {
  const fromPath = (request.params as Record<string, unknown> | undefined)?.org;
  const fromHeader = request.headers[ORGANIZATION_HEADER];
  const slug = typeof fromPath === "string" ? fromPath : typeof fromHeader === "string" ? fromHeader : undefined;
  let query = app.store.db
    .selectFrom("organization_members")
    .innerJoin("organizations", "organizations.id", "organization_members.organization_id")
    .select(["organizations.id", "organizations.slug", "organizations.name", "organizations.features"])
    .where("organization_members.user_id", "=", session.userId)
    .where("organizations.status", "=", "active");
  if (slug !== undefined) query = query.where((eb) => eb(eb.fn("lower", ["organizations.slug"]), "=", slug.toLowerCase()));
  const rows = await query.limit(2).execute();
  if (rows.length === 0) throw new AppError("not_found", "organization_not_found", "The requested resource does not exist");
  if (rows.length > 1) {
    throw new AppError("validation", "organization_required", `Name the organization with the ${ORGANIZATION_HEADER} header; this user belongs to several.`);
  }
  return rows[0]!;
}
