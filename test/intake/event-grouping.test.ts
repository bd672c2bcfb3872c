import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizePayload } from "../../src/domain/event-manager.js";
import { groupEvent, parameterizeMessage } from "../../src/domain/grouping.js";

const NOW = Date.UTC(2026, 5, 1);
const group = (payload: Record<string, unknown>) => groupEvent(normalizePayload(payload, 1, NOW));

const frames = (fn: string, line: number, extra: Record<string, unknown>[] = []) => ({
  frames: [...extra, { module: "app.orders", filename: "orders.js", function: fn, lineno: line, in_app: true }],
});

describe("grouping", () => {
  it("groups exceptions by type and in-app frames, not by line numbers or values", () => {
    const a = group({ exception: { values: [{ type: "KeyError", value: "'a'", stacktrace: frames("load", 10) }] } });
    const b = group({ exception: { values: [{ type: "KeyError", value: "'b'", stacktrace: frames("load", 99) }] } });
    expect(a.hash).toBe(b.hash);
    expect(a.method).toBe("exception");
  });

  it("ignores system frames when in-app frames exist", () => {
    const a = group({ exception: { values: [{ type: "E", stacktrace: frames("f", 1, [{ filename: "node:internal/a", function: "x", in_app: false }]) }] } });
    const b = group({ exception: { values: [{ type: "E", stacktrace: frames("f", 1, [{ filename: "node:internal/b", function: "y", in_app: false }]) }] } });
    expect(a.hash).toBe(b.hash);
  });

  it("separates different exception types and different in-app functions", () => {
    const base = group({ exception: { values: [{ type: "E", stacktrace: frames("f", 1) }] } });
    expect(group({ exception: { values: [{ type: "F", stacktrace: frames("f", 1) }] } }).hash).not.toBe(base.hash);
    expect(group({ exception: { values: [{ type: "E", stacktrace: frames("g", 1) }] } }).hash).not.toBe(base.hash);
  });

  it("groups messages with different numbers, hex and uuids together", () => {
    const a = group({ message: "request 3f2a9c1e-0b7d-4c1e-9f00-aa11bb22cc33 took 12ms at 0xdeadbeef" });
    const b = group({ message: "request 11111111-2222-4333-8444-555555555555 took 13ms at 0xfeedface" });
    expect(a.hash).toBe(b.hash);
    expect(a.method).toBe("message");
    expect(group({ message: "a different message" }).hash).not.toBe(a.hash);
  });

  it("uses the SDK's fingerprint and expands {{ default }}", () => {
    const exception = { values: [{ type: "E", stacktrace: frames("f", 1) }] };
    const custom = group({ fingerprint: ["payments", "declined"], exception });
    expect(custom.method).toBe("fingerprint");
    expect(group({ fingerprint: ["payments", "declined"], message: "other" }).hash).toBe(custom.hash);
    const withDefault = group({ fingerprint: ["{{ default }}", "tenant-1"], exception });
    const otherTenant = group({ fingerprint: ["{{ default }}", "tenant-2"], exception });
    expect(withDefault.hash).not.toBe(otherTenant.hash);
    expect(withDefault.components).toEqual([...group({ exception }).components, "fp:tenant-1"]);
  });

  it("derives title and culprit as Sentry does", () => {
    const result = group({ exception: { values: [{ type: "ValueError", value: "bad input\nsecond line", stacktrace: frames("parse", 3) }] } });
    expect(result.title).toBe("ValueError: bad input");
    expect(result.culprit).toBe("parse(app.orders)");
    expect(group({ message: "hello", transaction: "/checkout" }).culprit).toBe("/checkout");
    expect(group({ message: "first line\nsecond" }).title).toBe("first line");
    expect(group({}).title).toBe("<unlabeled event>");
  });

  it("parameterizes numbers but keeps words", () => {
    expect(parameterizeMessage("took 12ms for user 42")).toBe("took <int>ms for user <int>");
    expect(parameterizeMessage("cafe")).toBe("cafe");
  });

  it("never throws on arbitrary JSON and yields a 32-hex hash", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), fc.jsonValue(), (exception, fingerprint, message) => {
        const result = group({ exception, fingerprint, message });
        expect(result.hash).toMatch(/^[0-9a-f]{32}$/);
        expect(typeof result.title).toBe("string");
      }),
      { numRuns: 500 },
    );
  });
});
