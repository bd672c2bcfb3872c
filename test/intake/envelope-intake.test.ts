import { deflateSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INTAKE_LIMITS } from "../../src/api/intake/intake-routes.js";
import { groupEventHooksFor, type GroupEventNotice } from "../../src/jobs/group-event-hooks.js";
import { createProjectKey } from "../../src/store/project-keys.js";
import { createProject } from "../helpers/fixtures.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { envelopeOf, exceptionEvent, newEventId, seedIntakeProject } from "./intake-fixture.js";

let t: TestApp;
let seed: Awaited<ReturnType<typeof seedIntakeProject>>;
const notices: GroupEventNotice[] = [];

beforeAll(async () => {
  t = await startTestApp();
  seed = await seedIntakeProject(t);
  groupEventHooksFor(t.app).register((n) => {
    notices.push(n);
  });
});
afterAll(async () => t?.close());

const post = (url: string, body: string | Buffer, headers: Record<string, string> = {}) =>
  fetch(url, { method: "POST", body, headers: { "content-type": "application/x-sentry-envelope", "x-sentry-auth": seed.auth, ...headers } });

async function groupsOf(projectId: number) {
  return t.app.store.db.selectFrom("groups").selectAll().where("project_id", "=", projectId).orderBy("short_id").execute();
}
const eventCount = async () => Number((await t.app.store.db.selectFrom("events").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);

describe("envelope and store intake", () => {
  it("answers the event id and creates a group numbered from the project counter", async () => {
    const id = newEventId();
    const response = await post(seed.envelopeUrl, envelopeOf(exceptionEvent(id, "ValueError", "bad value", "first")));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id });
    const group = (await groupsOf(seed.project.id)).find((g) => g.title === "ValueError: bad value");
    expect(group).toMatchObject({ times_seen: 1, status: "unresolved", level: "error", culprit: "first(routes)" });
    expect(notices.at(-1)).toMatchObject({ groupId: group!.id, isNew: true, isRegression: false, eventId: id });
  });

  it("accepts gzip and deflate bodies", async () => {
    const a = newEventId();
    const b = newEventId();
    const gz = await post(seed.envelopeUrl, gzipSync(envelopeOf(exceptionEvent(a, "ZipError", "gz", "zipped"))), { "content-encoding": "gzip" });
    const df = await post(seed.envelopeUrl, deflateSync(envelopeOf(exceptionEvent(b, "ZipError", "df", "zipped"))), { "content-encoding": "deflate" });
    expect([gz.status, df.status]).toEqual([200, 200]);
    expect((await groupsOf(seed.project.id)).find((g) => g.title.startsWith("ZipError"))?.times_seen).toBe(2);
  });

  it("accepts the key as ?sentry_key= and as the envelope header's dsn", async () => {
    const viaQuery = await fetch(`${seed.envelopeUrl}?sentry_key=${seed.key.publicKey}&sentry_version=7`, { method: "POST", body: envelopeOf(exceptionEvent(newEventId(), "Q", "q")) });
    const viaDsn = await fetch(seed.envelopeUrl, { method: "POST", headers: { "content-type": "text/plain;charset=UTF-8" }, body: envelopeOf(exceptionEvent(newEventId(), "Q", "q"), { header: { dsn: seed.dsn } }) });
    expect([viaQuery.status, viaDsn.status]).toEqual([200, 200]);
  });

  it("honours item lengths and keeps binary attachments out of the way", async () => {
    const id = newEventId();
    const event = JSON.stringify(exceptionEvent(id, "Sized", "with\nnewline in json? no", "sized"));
    const attachment = Buffer.from([0x00, 0x0a, 0xff, 0x0a, 0x7b]);
    const body = Buffer.concat([
      Buffer.from(`{"event_id":"${id}"}\n{"type":"attachment","length":${attachment.length},"filename":"a.bin"}\n`),
      attachment,
      Buffer.from(`\n{"type":"event","length":${Buffer.byteLength(event)}}\n${event}`),
    ]);
    const response = await post(seed.envelopeUrl, body);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id });
  });

  it("accepts and ignores transactions, sessions and client reports", async () => {
    const before = await eventCount();
    const body = [
      JSON.stringify({ sent_at: new Date().toISOString() }),
      JSON.stringify({ type: "session" }),
      JSON.stringify({ sid: "x", status: "ok" }),
      JSON.stringify({ type: "client_report" }),
      JSON.stringify({ discarded_events: [] }),
    ].join("\n");
    const response = await post(seed.envelopeUrl, body);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
    const tx = await post(seed.storeUrl, JSON.stringify({ type: "transaction", event_id: newEventId() }), { "content-type": "application/json" });
    expect(tx.status).toBe(200);
    expect(await eventCount()).toBe(before);
  });

  it("saves an event posted to the store endpoint", async () => {
    const id = newEventId();
    const response = await post(seed.storeUrl, JSON.stringify({ event_id: id, message: "legacy store call", level: "warning" }), { "content-type": "application/json" });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id });
    expect((await groupsOf(seed.project.id)).find((g) => g.title === "legacy store call")?.level).toBe("warning");
  });

  it("counts the same event id once and still answers 200", async () => {
    const id = newEventId();
    const body = envelopeOf(exceptionEvent(id, "Twice", "sent twice", "twice"));
    const first = await post(seed.envelopeUrl, body);
    const second = await post(seed.envelopeUrl, body);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await second.json()).toEqual({ id });
    expect((await groupsOf(seed.project.id)).find((g) => g.title === "Twice: sent twice")?.times_seen).toBe(1);
  });

  it("regresses a resolved group that receives a new event", async () => {
    await post(seed.envelopeUrl, envelopeOf(exceptionEvent(newEventId(), "Regress", "again", "regress")));
    const group = (await groupsOf(seed.project.id)).find((g) => g.title === "Regress: again")!;
    await t.app.store.db.updateTable("groups").set({ status: "resolved", resolved_at: new Date().toISOString() }).where("id", "=", group.id).execute();
    const response = await post(seed.envelopeUrl, envelopeOf(exceptionEvent(newEventId(), "Regress", "again", "regress")));
    expect(response.status).toBe(200);
    const after = await t.app.store.db.selectFrom("groups").selectAll().where("id", "=", group.id).executeTakeFirstOrThrow();
    expect(after).toMatchObject({ status: "unresolved", resolved_at: null, times_seen: 2 });
    const activity = await t.app.store.db.selectFrom("activity").select("type").where("group_id", "=", group.id).execute();
    expect(activity.map((a) => a.type)).toContain("set_regression");
    const history = await t.app.store.db.selectFrom("group_history").select("status").where("group_id", "=", group.id).execute();
    expect(history.map((h) => h.status)).toEqual(["regressed"]);
    expect(notices.at(-1)).toMatchObject({ groupId: group.id, isNew: false, isRegression: true });
  });

  it("makes one group with times_seen 20 from 20 parallel events of a new fingerprint", async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => post(seed.envelopeUrl, envelopeOf(exceptionEvent(newEventId(), "Race", "parallel", "race")))),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    const groups = (await groupsOf(seed.project.id)).filter((g) => g.title === "Race: parallel");
    expect(groups).toHaveLength(1);
    expect(groups[0]!.times_seen).toBe(20);
    const shortIds = (await groupsOf(seed.project.id)).map((g) => g.short_id);
    expect(new Set(shortIds).size).toBe(shortIds.length);
  });

  it("counts one event when the same event id arrives 10 times at once", async () => {
    const id = newEventId();
    const body = envelopeOf(exceptionEvent(id, "Burst", "same id", "burst"));
    const responses = await Promise.all(Array.from({ length: 10 }, () => post(seed.envelopeUrl, body)));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect((await groupsOf(seed.project.id)).find((g) => g.title === "Burst: same id")?.times_seen).toBe(1);
  });

  it("answers CORS preflights and exposes the error header", async () => {
    const response = await fetch(seed.envelopeUrl, { method: "OPTIONS", headers: { origin: "https://app.example", "access-control-request-method": "POST" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-headers")).toContain("x-sentry-auth");
    expect(response.headers.get("access-control-allow-methods")).toContain("POST");
  });
});

describe("intake refuses", () => {
  const malformed: [string, string | Buffer, Record<string, string>, string, RegExp][] = [
    ["an empty body", "", {}, "envelope_empty", /empty/],
    ["a header line that is not JSON", "{nope\n", {}, "envelope_bad_header", /envelope header is not valid JSON/],
    ["an item header that is not JSON", '{}\n{"type":\n{}', {}, "envelope_bad_header", /header of item 1 is not valid JSON/],
    ["an item without a type", '{}\n{"length":2}\n{}', {}, "envelope_item_type_missing", /has no "type"/],
    ["a length beyond the body", '{}\n{"type":"event","length":500}\n{}', {}, "envelope_length_exceeds_body", /declares length 500/],
    ["an event payload that is not JSON", '{}\n{"type":"event"}\n{not json', {}, "invalid_json", /event item is not valid JSON/],
    ["an event payload that is not an object", '{}\n{"type":"event"}\n[1,2]', {}, "invalid_event", /not a JSON object/],
    ["a body that is not gzip", "plain text", { "content-encoding": "gzip" }, "bad_compression", /not valid gzip/],
    ["two event items", '{}\n{"type":"event"}\n{}\n{"type":"event"}\n{}', {}, "envelope_duplicate_event", /more than one event/],
  ];
  for (const [what, body, headers, code, message] of malformed) {
    it(`answers 400 naming the problem for ${what}, writing nothing`, async () => {
      const before = await eventCount();
      const response = await post(seed.envelopeUrl, body, headers);
      expect(response.status).toBe(400);
      const json = (await response.json()) as { code: string; detail: string };
      expect(json.code).toBe(code);
      expect(json.detail).toMatch(message);
      expect(response.headers.get("x-sentry-error")).toBe(json.detail);
      expect(await eventCount()).toBe(before);
    });
  }

  it("answers 400 for a store body that is not JSON", async () => {
    const response = await post(seed.storeUrl, "{oops", { "content-type": "application/json" });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { detail: string }).detail).toMatch(/event is not valid JSON/);
  });

  it("answers 401 without a key, with an unknown key, a disabled key, or another project's key", async () => {
    const body = envelopeOf(exceptionEvent(newEventId(), "Auth", "x"));
    const missing = await fetch(seed.envelopeUrl, { method: "POST", body });
    const unknown = await post(seed.envelopeUrl, body, { "x-sentry-auth": "Sentry sentry_key=0123456789abcdef0123456789abcdef, sentry_version=7" });
    const other = await createProject(t.app.store.db, seed.org.id);
    const otherKey = await createProjectKey(t.app.store.db, other.id);
    const foreign = await post(seed.envelopeUrl, body, { "x-sentry-auth": `Sentry sentry_key=${otherKey.publicKey}, sentry_version=7` });
    const disabled = await createProjectKey(t.app.store.db, seed.project.id, "off");
    await t.app.store.db.updateTable("project_keys").set({ is_active: 0 }).where("id", "=", disabled.id).execute();
    const inactive = await post(seed.envelopeUrl, body, { "x-sentry-auth": `Sentry sentry_key=${disabled.publicKey}, sentry_version=7` });
    const results = await Promise.all([missing, unknown, foreign, inactive].map(async (r) => [r.status, ((await r.json()) as { code: string }).code]));
    expect(results).toEqual([
      [401, "missing_sentry_key"],
      [401, "unknown_sentry_key"],
      [401, "sentry_key_project_mismatch"],
      [401, "unknown_sentry_key"],
    ]);
  });

  it("answers 413 for a body over the limit and for a gzip bomb over the decompressed limit", async () => {
    const big = Buffer.alloc(INTAKE_LIMITS.body + 1, 0x20);
    const tooBig = await post(seed.envelopeUrl, big);
    expect(tooBig.status).toBe(413);
    const bomb = gzipSync(Buffer.alloc(INTAKE_LIMITS.decompressed + 1024, 0x20));
    const exploded = await post(seed.envelopeUrl, bomb, { "content-encoding": "gzip" });
    expect(exploded.status).toBe(413);
    expect(((await exploded.json()) as { code: string }).code).toBe("payload_too_large");
  });

  it("answers 413 for an event item over 1 MiB", async () => {
    const event = exceptionEvent(newEventId(), "Huge", "x", "huge", { extra: { blob: "x".repeat(INTAKE_LIMITS.event) } });
    const response = await post(seed.envelopeUrl, envelopeOf(event));
    expect(response.status).toBe(413);
    expect(((await response.json()) as { code: string }).code).toBe("event_too_large");
  });

  it("answers 400 for a project id that is not a number", async () => {
    const response = await post(`${t.url}/api/abc/envelope/`, envelopeOf(exceptionEvent(newEventId(), "P", "p")));
    expect(response.status).toBe(400);
  });
});
