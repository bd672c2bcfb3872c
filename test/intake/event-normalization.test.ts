import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventManager, LIMITS, NormalizationError, normalizePayload } from "../../src/domain/event-manager.js";

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);

describe("EventManager (§12)", () => {
  it("normalizes once when preparing, and refuses to normalize twice", () => {
    const manager = new EventManager(7, { message: "hello" }, NOW);
    const event = manager.prepare();
    expect(event.project).toBe(7);
    expect(() => manager.normalize()).toThrow(NormalizationError);
    expect(manager.prepare()).toBe(event);
  });

  it("refuses to normalize for another project", () => {
    const manager = new EventManager(7, { message: "hello" }, NOW);
    expect(() => manager.normalize(8)).toThrow(/belongs to project 7/);
  });

  it("trusts the payload as is when assume_normalized", () => {
    const already = normalizePayload({ message: "x" }, 7, NOW);
    const manager = new EventManager(7, already, NOW);
    expect(manager.prepare({ assumeNormalized: true })).toBe(already);
    expect(() => manager.normalize()).toThrow(/already normalized/);
  });
});

describe("normalization", () => {
  it("fills event id, timestamp, level and platform", () => {
    const event = normalizePayload({}, 1, NOW);
    expect(event.event_id).toMatch(/^[0-9a-f]{32}$/);
    expect(event.timestamp).toBe(new Date(NOW).toISOString());
    expect(event.level).toBe("error");
    expect(event.platform).toBe("other");
  });

  it("keeps a dashed uuid as 32 hex and replaces an invalid one", () => {
    expect(normalizePayload({ event_id: "A1B2C3D4-0000-4000-8000-00000000000F" }, 1, NOW).event_id).toBe("a1b2c3d400004000800000000000000f");
    expect(normalizePayload({ event_id: "nope" }, 1, NOW).event_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it("reads epoch-second and naive ISO timestamps as UTC and clamps the far future", () => {
    expect(normalizePayload({ timestamp: NOW / 1000 - 10 }, 1, NOW).timestamp).toBe(new Date(NOW - 10_000).toISOString());
    expect(normalizePayload({ timestamp: "2026-06-01T11:00:00" }, 1, NOW).timestamp).toBe("2026-06-01T11:00:00.000Z");
    expect(normalizePayload({ timestamp: NOW / 1000 + 3600 }, 1, NOW).timestamp).toBe(new Date(NOW).toISOString());
  });

  it("maps level aliases and defaults unknown levels to error", () => {
    expect(normalizePayload({ level: "WARN" }, 1, NOW).level).toBe("warning");
    expect(normalizePayload({ level: "critical" }, 1, NOW).level).toBe("fatal");
    expect(normalizePayload({ level: "loud" }, 1, NOW).level).toBe("error");
  });

  it("formats logentry params into the message", () => {
    const event = normalizePayload({ logentry: { message: "user %s failed %d times", params: ["ann", 3] } }, 1, NOW);
    expect(event.message).toBe("user ann failed 3 times");
    expect(event.logentry?.message).toBe("user %s failed %d times");
  });

  it("accepts the legacy exception shapes (a list, a single object)", () => {
    expect(normalizePayload({ exception: [{ type: "A", value: "a" }] }, 1, NOW).exception?.values[0]?.type).toBe("A");
    expect(normalizePayload({ exception: { type: "B", value: "b" } }, 1, NOW).exception?.values[0]?.type).toBe("B");
  });

  it("trims long strings and keeps the innermost frames", () => {
    const frames = Array.from({ length: LIMITS.frames + 10 }, (_, i) => ({ function: `f${i}`, in_app: true }));
    const event = normalizePayload({ message: "m".repeat(LIMITS.message + 100), exception: { values: [{ type: "T", stacktrace: { frames } }] } }, 1, NOW);
    expect(event.message).toHaveLength(LIMITS.message);
    expect(event.message.endsWith("...")).toBe(true);
    const kept = event.exception!.values[0]!.stacktrace!.frames;
    expect(kept).toHaveLength(LIMITS.frames);
    expect(kept.at(-1)?.function).toBe(`f${LIMITS.frames + 9}`);
  });

  it("drops unknown keys and oversized free-form objects", () => {
    const event = normalizePayload({ message: "m", junk: { a: 1 }, extra: { big: "x".repeat(LIMITS.blob + 1) }, user: { id: "1" } }, 1, NOW) as unknown as Record<string, unknown>;
    expect(event.junk).toBeUndefined();
    expect(event.extra).toBeUndefined();
    expect(event.user).toEqual({ id: "1" });
  });

  it("keeps tags from an object or a pair list, skipping keys with spaces", () => {
    expect(normalizePayload({ tags: { a: "1", "b c": "2" } }, 1, NOW).tags).toEqual([["a", "1"]]);
    expect(normalizePayload({ tags: [["x", 2], ["bad"]] }, 1, NOW).tags).toEqual([["x", "2"]]);
  });

  it("never throws on arbitrary JSON and always yields a complete event", () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.dictionary(fc.constantFrom("event_id", "timestamp", "level", "message", "logentry", "exception", "tags", "fingerprint", "platform", "breadcrumbs", "user", "sdk"), fc.jsonValue())), (value) => {
        const event = new EventManager(3, value, NOW).prepare();
        expect(event.event_id).toMatch(/^[0-9a-f]{32}$/);
        expect(Number.isFinite(Date.parse(event.timestamp))).toBe(true);
        expect(typeof event.message).toBe("string");
        expect(() => JSON.stringify(event)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});
