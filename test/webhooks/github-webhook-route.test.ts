import { createHmac, randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { storeMode } from "../helpers/test-store.js";

const SECRET = "It's a Secret to Everybody";
const PREVIOUS = "the-old-secret";
const sign = (body: string, secret = SECRET, algo: "sha256" | "sha1" = "sha256") => `${algo}=${createHmac(algo, secret).update(body).digest("hex")}`;

describe(`POST /extensions/github/webhook/ (§3.1 with D7; ${storeMode})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { GITHUB_WEBHOOK_SECRET: SECRET, GITHUB_WEBHOOK_PREVIOUS_SECRET: PREVIOUS } });
  });
  afterAll(async () => {
    await t.close();
  });

  const deliver = (body: string, headers: Record<string, string>, method = "POST") =>
    fetch(`${t.url}/extensions/github/webhook/`, { method, headers: { "content-type": "application/json", ...headers }, body: method === "GET" ? undefined : body });
  const recorded = async () => (await t.app.store.db.selectFrom("webhook_deliveries").select(["delivery_id", "verified_by"]).execute());
  const ping = JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1 });

  it("answers 405 to other methods, naming POST", async () => {
    const response = await deliver("", {}, "GET");
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });

  it("answers 400 to an empty body and to a missing X-GitHub-Event", async () => {
    expect((await deliver("", { "x-github-event": "ping", "x-hub-signature-256": sign("") })).status).toBe(400);
    expect((await deliver(ping, { "x-hub-signature-256": sign(ping) })).status).toBe(400);
  });

  it("answers 400 to a missing, malformed or unsupported signature header (never 500)", async () => {
    for (const signature of [undefined, "nonsense", "sha256=zz", "sha256=abc", "md5=" + "a".repeat(32), "=" + "a".repeat(64)]) {
      const headers: Record<string, string> = { "x-github-event": "ping", "x-github-delivery": randomUUID() };
      if (signature !== undefined) headers["x-hub-signature-256"] = signature;
      expect((await deliver(ping, headers)).status, String(signature)).toBe(400);
    }
  });

  it("checks the signature before the event: an unknown event with a bad signature is 401, with a good one 204", async () => {
    expect((await deliver(ping, { "x-github-event": "sponsorship", "x-hub-signature-256": sign(ping, "wrong") })).status).toBe(401);
    const before = (await recorded()).length;
    expect((await deliver(ping, { "x-github-event": "sponsorship", "x-hub-signature-256": sign(ping), "x-github-delivery": randomUUID() })).status).toBe(204);
    expect((await recorded()).length).toBe(before);
  });

  it("answers 401 to a mismatching signature and records nothing", async () => {
    const before = (await recorded()).length;
    const response = await deliver(ping, { "x-github-event": "ping", "x-hub-signature-256": sign(ping, "not-the-secret"), "x-github-delivery": randomUUID() });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { code: string }).code).toBe("webhook_signature_mismatch");
    expect((await recorded()).length).toBe(before);
  });

  it("answers 400 to a verified body that is not JSON", async () => {
    const body = "not json";
    expect((await deliver(body, { "x-github-event": "ping", "x-hub-signature-256": sign(body), "x-github-delivery": randomUUID() })).status).toBe(400);
  });

  it("records a verified delivery before answering 204, noting which secret verified it", async () => {
    const id = randomUUID();
    expect((await deliver(ping, { "x-github-event": "ping", "x-hub-signature-256": sign(ping), "x-github-delivery": id })).status).toBe(204);
    const old = randomUUID();
    expect((await deliver(ping, { "x-github-event": "ping", "x-hub-signature-256": sign(ping, PREVIOUS), "x-github-delivery": old })).status).toBe(204);
    const rows = await recorded();
    expect(rows).toContainEqual({ delivery_id: id, verified_by: "current" });
    expect(rows).toContainEqual({ delivery_id: old, verified_by: "previous" });
  });

  it("accepts SHA-1 only when no SHA-256 header is sent, and prefers SHA-256", async () => {
    expect((await deliver(ping, { "x-github-event": "ping", "x-hub-signature": sign(ping, SECRET, "sha1"), "x-github-delivery": randomUUID() })).status).toBe(204);
    const both = { "x-github-event": "ping", "x-hub-signature": sign(ping, SECRET, "sha1"), "x-hub-signature-256": sign(ping, "wrong"), "x-github-delivery": randomUUID() };
    expect((await deliver(ping, both)).status).toBe(401);
  });

  it("answers a redelivery (same X-GitHub-Delivery) 204 and keeps one record", async () => {
    const id = randomUUID();
    const headers = { "x-github-event": "ping", "x-hub-signature-256": sign(ping), "x-github-delivery": id };
    expect((await deliver(ping, headers)).status).toBe(204);
    expect((await deliver(ping, headers)).status).toBe(204);
    expect((await recorded()).filter((r) => r.delivery_id === id)).toHaveLength(1);
  });

  it("verifies GitHub's documented test vector", async () => {
    const body = "Hello, World!";
    // Verified (it is the right HMAC), then refused as non-JSON: the signature check passed.
    const response = await deliver(body, { "x-github-event": "ping", "x-hub-signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", "x-github-delivery": randomUUID() });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe("webhook_body_not_json");
  });

  it("never answers 5xx and records nothing unverified, whatever headers and body arrive (fuzzed)", async () => {
    const before = (await recorded()).length;
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 300 }),
        fc.option(fc.constantFrom("ping", "issues", "push", "installation", "x", ""), { nil: undefined }),
        fc.option(fc.oneof(fc.string({ maxLength: 80 }), fc.stringMatching(/^[0-9a-f]{64}$/).map((h) => `sha256=${h}`)), { nil: undefined }),
        fc.option(fc.string({ maxLength: 60 }), { nil: undefined }),
        async (body, event, signature, contentType) => {
          const headers: Record<string, string> = {};
          if (event !== undefined) headers["x-github-event"] = event;
          if (signature !== undefined && /^[\x20-\x7e]*$/.test(signature)) headers["x-hub-signature-256"] = signature;
          if (contentType !== undefined && /^[\x20-\x7e]*$/.test(contentType)) headers["content-type"] = contentType;
          const response = await fetch(`${t.url}/extensions/github/webhook/`, { method: "POST", headers, body });
          expect(response.status).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
    expect((await recorded()).length).toBe(before);
  });

  it("answers every event of the @octokit/webhooks-examples corpus as the rules say", async () => {
    const require = createRequire(import.meta.url);
    const corpus = require("@octokit/webhooks-examples") as Array<{ name: string; examples: unknown[] }>;
    const handled = new Set(["ping", "installation", "issues", "push", "pull_request"]);
    let sent = 0;
    for (const event of corpus) {
      for (const example of event.examples.slice(0, 3)) {
        const body = JSON.stringify(example);
        const response = await deliver(body, { "x-github-event": event.name, "x-hub-signature-256": sign(body), "x-github-delivery": randomUUID() });
        expect(response.status, event.name).toBe(204);
        sent++;
      }
    }
    expect(sent).toBeGreaterThan(100);
    const events = new Set((await t.app.store.db.selectFrom("webhook_deliveries").select("event").execute()).map((r) => r.event));
    for (const name of events) expect(handled.has(name), name).toBe(true);
  });
});

describe("GitHub webhook without a configured secret", () => {
  it("answers 401", async () => {
    const t = await startTestApp();
    try {
      const response = await fetch(`${t.url}/extensions/github/webhook/`, { method: "POST", headers: { "x-github-event": "ping" }, body: "{}" });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { code: string }).code).toBe("webhook_secret_not_configured");
    } finally {
      await t.close();
    }
  });
});
