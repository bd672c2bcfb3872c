import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { redisUrl, storeMode } from "../helpers/test-store.js";

describe(`GET /healthz (${storeMode})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it("reports the store it uses and answers 200 when it is reachable", async () => {
    const response = await fetch(`${t.url}/healthz`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; store: { ok: boolean; dialect: string }; redis?: { ok: boolean } };
    expect(body.status).toBe("ok");
    expect(body.store).toMatchObject({ ok: true, dialect: storeMode });
    if (redisUrl) expect(body.redis).toMatchObject({ ok: true });
    else expect(body.redis).toBeUndefined();
  });

  it("answers unknown paths with a JSON 404 and a stable code", async () => {
    const response = await fetch(`${t.url}/nowhere`);
    expect(response.status).toBe(404);
    expect(response.headers.get("x-error-code")).toBe("not_found");
    expect(await response.json()).toEqual({ detail: "The requested resource does not exist", code: "not_found" });
  });

  it("answers 503 when the store is gone", async () => {
    const other = await startTestApp();
    await other.app.store.close();
    const response = await fetch(`${other.url}/healthz`);
    expect(response.status).toBe(503);
    expect(((await response.json()) as { store: { ok: boolean } }).store.ok).toBe(false);
    await other.server.close();
    await other.app.platform.close();
  });
});
