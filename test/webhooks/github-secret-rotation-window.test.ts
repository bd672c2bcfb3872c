import { createHmac, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/platform/clock.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { storeMode } from "../helpers/test-store.js";

const SECRET = "the new secret";
const PREVIOUS = "the old secret";
const WINDOW_END = "2026-03-01T12:00:00Z";
const sign = (body: string, secret: string) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

describe(`rotating the GitHub webhook secret within a window (${storeMode})`, () => {
  const clock = new ManualClock(Date.parse("2026-03-01T11:00:00Z"));
  let t: TestApp;
  const ping = JSON.stringify({ zen: "Design for failure.", hook_id: 1 });
  const deliver = (secret: string) =>
    fetch(`${t.url}/extensions/github/webhook/`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-github-event": "ping", "x-github-delivery": randomUUID(), "x-hub-signature-256": sign(ping, secret) },
      body: ping,
    });

  beforeAll(async () => {
    t = await startTestApp({ clock, env: { GITHUB_WEBHOOK_SECRET: SECRET, GITHUB_WEBHOOK_PREVIOUS_SECRET: PREVIOUS, GITHUB_WEBHOOK_PREVIOUS_SECRET_UNTIL: WINDOW_END } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("accepts deliveries signed with the previous secret until the window closes", async () => {
    expect((await deliver(PREVIOUS)).status).toBe(204);
    expect((await deliver(SECRET)).status).toBe(204);
  });

  it("refuses the previous secret with 401 once the window has closed, and keeps accepting the current one", async () => {
    clock.set(Date.parse(WINDOW_END) + 1000);
    const refused = await deliver(PREVIOUS);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { code: string }).code).toBe("webhook_signature_mismatch");
    expect((await deliver(SECRET)).status).toBe(204);
  });

  it("refuses to start with a window end that is not an instant", async () => {
    await expect(startTestApp({ env: { GITHUB_WEBHOOK_PREVIOUS_SECRET_UNTIL: "next tuesday" } })).rejects.toThrow(/GITHUB_WEBHOOK_PREVIOUS_SECRET_UNTIL/);
  });
});
