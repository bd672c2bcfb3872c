import { randomBytes } from "node:crypto";
import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import type { App } from "../../app.js";
import { AppError } from "../../domain/errors.js";
import { primaryEmail } from "../../store/user-email.js";
import { describeUser, findLoginByEmail } from "../../store/user-passwords.js";
import { createWebSession, deleteWebSession } from "../../store/web-sessions.js";
import { decoyHash, verifyPassword } from "../auth/password-hash.js";
import { assertCsrf, SESSION_IDLE_MS, sessionFromRequest } from "../auth/session-auth.js";
import { clearSessionCookies, readCookie, SESSION_COOKIE, setSessionCookies } from "../auth/session-cookies.js";
import { describeRoute } from "../openapi/registry.js";
import { text } from "../schemas/text.js";

/**
 * Every failed login takes at least this long, whether the email is unknown, has no password or the
 * password is wrong: the answer's timing and body say nothing about which.
 */
export const FAILED_LOGIN_FLOOR_MS = 750;

const loginBody = z.object({ email: text().trim().min(1).max(200), password: z.string().min(1).max(1024) }).strict();

const sessionSchema = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string() }),
  organizations: z.array(z.object({ id: z.string(), slug: z.string(), name: z.string(), role: z.string() })),
});

async function sessionView(app: App, userId: number): Promise<z.infer<typeof sessionSchema>> {
  const { user, organizations } = await describeUser(app.store.db, userId);
  const email = (await primaryEmail(app.store.db, userId)) ?? user.username;
  return {
    user: { id: String(user.id), email, name: user.name || email },
    organizations: organizations.map((o) => ({ id: String(o.id), slug: o.slug, name: o.name, role: o.role })),
  };
}

const isSecure = (app: App) => app.config.publicUrl.startsWith("https:");

/** Dashboard sign-in: log in with email and password, read the session, log out. */
export function registerAuthSessionRoutes(server: FastifyInstance, app: App): void {
  describeRoute({ method: "post", path: "/api/0/auth/login/", summary: "Log in to the dashboard (sets the session and CSRF cookies)", tag: "auth", body: loginBody, response: sessionSchema });
  server.post("/api/0/auth/login/", async (request, reply: FastifyReply) => {
    const started = Date.now();
    const body = loginBody.parse(request.body ?? {});
    const login = await findLoginByEmail(app.store.db, body.email);
    // Unknown email or no password set: verify against a decoy so the work done is the same.
    const ok = (await verifyPassword(body.password, login?.passwordHash ?? (await decoyHash()))) && login?.passwordHash != null;
    if (!login || !ok) {
      const wait = FAILED_LOGIN_FLOOR_MS - (Date.now() - started);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      request.log.info({ code: "invalid_credentials" }, "dashboard login refused");
      throw new AppError("unauthorized", "invalid_credentials", "The email or password is incorrect.");
    }
    const token = randomBytes(32).toString("base64url");
    const csrfToken = randomBytes(32).toString("base64url");
    const now = app.clock.now();
    await createWebSession(app.store.db, {
      token,
      csrfToken,
      userId: login.userId,
      now: new Date(now).toISOString(),
      expiresAt: new Date(now + SESSION_IDLE_MS).toISOString(),
    });
    setSessionCookies(reply, token, csrfToken, isSecure(app));
    return sessionView(app, login.userId);
  });

  describeRoute({ method: "get", path: "/api/0/auth/session/", summary: "The signed-in user and their organizations (401 without a session)", tag: "auth", response: sessionSchema });
  server.get("/api/0/auth/session/", async (request) => {
    const session = await sessionFromRequest(app, request);
    if (!session) throw new AppError("unauthorized", "authentication_required", "You are not logged in.");
    return sessionView(app, session.userId);
  });

  describeRoute({ method: "post", path: "/api/0/auth/logout/", summary: "End the dashboard session (needs the CSRF header)", tag: "auth", status: 204 });
  server.post("/api/0/auth/logout/", async (request, reply) => {
    const session = await sessionFromRequest(app, request);
    if (session) {
      assertCsrf(request, session);
      await deleteWebSession(app.store.db, readCookie(request, SESSION_COOKIE) as string);
    }
    clearSessionCookies(reply, isSecure(app));
    return reply.code(204).send();
  });
}
