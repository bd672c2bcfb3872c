import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAILED_LOGIN_FLOOR_MS } from "../../src/api/routes/auth-session-routes.js";
import { createGroup, createMember, createOrganization, createProject } from "../helpers/fixtures.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { storeMode } from "../helpers/test-store.js";
import { givePassword } from "../browser/dashboard-helpers.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever JSON the API answered
const json = async (res: Response): Promise<any> => res.json();

const PASSWORD = "s3cret-passphrase";

interface Login {
  cookie: string;
  csrf: string;
  setCookie: string[];
}

describe(`dashboard sessions authorize the API as the member (${storeMode})`, () => {
  let t: TestApp;
  let acmeGroup: { id: number };
  let otherGroup: { id: number };
  let multiGroup: { id: number };

  const login = async (email: string, password: string): Promise<{ status: number; body: unknown; ms: number; login?: Login }> => {
    const started = Date.now();
    const res = await fetch(`${t.url}/api/0/auth/login/`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }) });
    const ms = Date.now() - started;
    const body = await res.json();
    if (res.status !== 200) return { status: res.status, body, ms };
    const setCookie = res.headers.getSetCookie();
    const pairs = setCookie.map((c) => c.split(";")[0]!);
    const csrf = pairs.find((p) => p.startsWith("sb_csrf="))!.slice("sb_csrf=".length);
    return { status: 200, body, ms, login: { cookie: pairs.join("; "), csrf, setCookie } };
  };
  const call = (method: string, path: string, l: Login, options: { csrf?: string | null; org?: string; body?: unknown } = {}) =>
    fetch(`${t.url}${path}`, {
      method,
      headers: {
        cookie: l.cookie,
        ...(options.csrf !== null && method !== "GET" ? { "x-csrf-token": options.csrf ?? l.csrf } : {}),
        ...(options.org ? { "x-switchboard-organization": options.org } : {}),
        ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });

  beforeAll(async () => {
    t = await startTestApp();
    const db = t.app.store.db;
    const acme = await createOrganization(db, "acme");
    const other = await createOrganization(db, "other");
    const beta = await createOrganization(db, "beta");
    const ana = await createMember(db, acme.id, { username: "ana", email: "ana@example.com" });
    await givePassword(db, ana.id, PASSWORD);
    await createMember(db, other.id, { username: "olga", email: "olga@example.com" });
    // A user in two organizations.
    const mia = await createMember(db, acme.id, { username: "mia", email: "mia@example.com" });
    await db.insertInto("organization_members").values({ organization_id: beta.id, user_id: mia.id, role: "member", date_added: new Date().toISOString() }).execute();
    await givePassword(db, mia.id, PASSWORD);
    acmeGroup = await createGroup(db, (await createProject(db, acme.id, "web")).id);
    otherGroup = await createGroup(db, (await createProject(db, other.id, "api")).id);
    multiGroup = await createGroup(db, (await createProject(db, beta.id, "app")).id);
  });

  afterAll(async () => {
    await t?.close();
  });

  it("sets an httpOnly SameSite session cookie and a script-readable CSRF cookie on login", async () => {
    const ok = await login("ANA@example.com", PASSWORD);
    expect(ok.status).toBe(200);
    const [session, csrf] = ok.login!.setCookie;
    expect(session).toMatch(/^sb_session=[A-Za-z0-9_-]{43}; Path=\/; SameSite=Lax; HttpOnly$/);
    expect(csrf).toMatch(/^sb_csrf=[A-Za-z0-9_-]{43}; Path=\/; SameSite=Strict$/);
    expect(ok.body).toEqual({ user: { id: expect.any(String), email: "ana@example.com", name: "ana" }, organizations: [{ id: expect.any(String), slug: "acme", name: "acme", role: "member" }] });
  });

  it("answers a wrong password and an unknown email identically, and no faster than the floor", async () => {
    const wrong = await login("ana@example.com", "not the password");
    const unknown = await login("nobody@example.com", PASSWORD);
    const noPassword = await login("olga@example.com", PASSWORD);
    for (const r of [wrong, unknown, noPassword]) {
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ detail: "The email or password is incorrect.", code: "invalid_credentials" });
      expect(r.ms).toBeGreaterThanOrEqual(FAILED_LOGIN_FLOOR_MS - 5);
    }
  });

  it("refuses malformed login bodies with 400, never a 500", async () => {
    for (const body of [{}, { email: "a@b.c" }, { email: "a@b.c", password: "" }, { email: "a\u0000@b.c", password: "x" }, { email: "a@b.c", password: "x", extra: 1 }]) {
      const res = await fetch(`${t.url}/api/0/auth/login/`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });

  it("authorizes reads of the member's organization and hides other organizations (404)", async () => {
    const { login: l } = await login("ana@example.com", PASSWORD);
    expect((await call("GET", "/api/0/organizations/acme/issues/", l!)).status).toBe(200);
    expect((await call("GET", `/api/0/issues/${acmeGroup.id}/`, l!)).status).toBe(200);
    expect((await call("GET", "/api/0/organizations/other/issues/", l!)).status).toBe(404);
    expect((await call("GET", `/api/0/issues/${otherGroup.id}/`, l!)).status).toBe(404);
    expect((await call("GET", `/api/0/issues/${otherGroup.id}/`, l!, { org: "other" })).status).toBe(404);
  });

  it("refuses a state-changing request without the CSRF header (403) and changes nothing", async () => {
    const { login: l } = await login("ana@example.com", PASSWORD);
    for (const csrf of [null, "forged-token-value-1234567890", ""]) {
      const res = await call("PUT", `/api/0/issues/${acmeGroup.id}/`, l!, { csrf, body: { status: "resolved" } });
      expect(res.status).toBe(403);
      expect((await json(res)).code).toBe("csrf_token_invalid");
    }
    expect((await json(await call("GET", `/api/0/issues/${acmeGroup.id}/`, l!))).status).toBe("unresolved");
    const ok = await call("PUT", `/api/0/issues/${acmeGroup.id}/`, l!, { body: { status: "resolved" } });
    expect(ok.status).toBe(200);
    expect((await json(ok)).status).toBe("resolved");
  });

  it("does not accept one session's CSRF token for another session", async () => {
    const first = (await login("ana@example.com", PASSWORD)).login!;
    const second = (await login("ana@example.com", PASSWORD)).login!;
    const res = await call("PUT", `/api/0/issues/${acmeGroup.id}/`, first, { csrf: second.csrf, body: { status: "unresolved" } });
    expect(res.status).toBe(403);
  });

  it("asks a member of several organizations to name one where the path does not (400), and honours the header", async () => {
    const { login: l } = await login("mia@example.com", PASSWORD);
    const ambiguous = await call("GET", `/api/0/issues/${multiGroup.id}/`, l!);
    expect(ambiguous.status).toBe(400);
    expect((await json(ambiguous)).code).toBe("organization_required");
    expect((await call("GET", `/api/0/issues/${multiGroup.id}/`, l!, { org: "beta" })).status).toBe(200);
    expect((await call("GET", `/api/0/issues/${multiGroup.id}/`, l!, { org: "acme" })).status).toBe(404);
    expect((await call("GET", "/api/0/organizations/beta/issues/", l!)).status).toBe(200);
  });

  it("reports the session, and 401 without one", async () => {
    const { login: l } = await login("mia@example.com", PASSWORD);
    const res = await call("GET", "/api/0/auth/session/", l!);
    expect((await json(res)).organizations.map((o: { slug: string }) => o.slug)).toEqual(["acme", "beta"]);
    expect((await fetch(`${t.url}/api/0/auth/session/`)).status).toBe(401);
    expect((await fetch(`${t.url}/api/0/auth/session/`, { headers: { cookie: "sb_session=not-a-session-token-at-all" } })).status).toBe(401);
  });

  it("logs out only with the CSRF header; the session is then refused", async () => {
    const { login: l } = await login("ana@example.com", PASSWORD);
    expect((await call("POST", "/api/0/auth/logout/", l!, { csrf: null })).status).toBe(403);
    expect((await call("GET", "/api/0/organizations/acme/", l!)).status).toBe(200);
    const out = await call("POST", "/api/0/auth/logout/", l!);
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().every((c) => c.includes("Max-Age=0"))).toBe(true);
    expect((await call("GET", "/api/0/organizations/acme/", l!)).status).toBe(401);
  });

  it("never writes a password, session token or CSRF token to the log or the store", async () => {
    const { login: l } = await login("ana@example.com", PASSWORD);
    await login("ana@example.com", "wrong-password-here");
    const logs = t.logs.join("\n");
    expect(logs).not.toContain(PASSWORD);
    expect(logs).not.toContain("wrong-password-here");
    const token = l!.cookie.split("; ")[0]!.split("=")[1]!;
    expect(logs).not.toContain(token);
    expect(logs).not.toContain(l!.csrf);
    const rows = await t.app.store.db.selectFrom("web_sessions").selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(JSON.stringify(rows)).not.toContain(l!.csrf);
    const users = await t.app.store.db.selectFrom("users").select("password_hash").execute();
    expect(users.some((u) => u.password_hash?.startsWith("scrypt$32768$8$1$"))).toBe(true);
  });
});
