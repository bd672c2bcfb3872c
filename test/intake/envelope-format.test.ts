import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EnvelopeError, parseEnvelope } from "../../src/domain/envelope.js";
import { parseDsn, parseSentryAuthHeader } from "../../src/domain/sentry-auth.js";

describe("envelope format", () => {
  it("reads items with and without length, binary-safe, tolerating CRLF and a trailing newline", () => {
    const binary = Buffer.from([0x0a, 0x00, 0xff]);
    const body = Buffer.concat([
      Buffer.from('{"event_id":"abc"}\r\n{"type":"attachment","length":3}\n'),
      binary,
      Buffer.from('\n{"type":"event"}\n{"message":"hi"}\n'),
    ]);
    const envelope = parseEnvelope(body);
    expect(envelope.header).toEqual({ event_id: "abc" });
    expect(envelope.items.map((i) => i.type)).toEqual(["attachment", "event"]);
    expect(envelope.items[0]!.payload.equals(binary)).toBe(true);
    expect(JSON.parse(envelope.items[1]!.payload.toString())).toEqual({ message: "hi" });
  });

  it("accepts a header-only envelope and an empty last payload", () => {
    expect(parseEnvelope(Buffer.from("{}")).items).toEqual([]);
    expect(parseEnvelope(Buffer.from('{}\n{"type":"event","length":0}')).items[0]!.payload.length).toBe(0);
  });

  it("names the problem for a negative length and a payload not followed by a newline", () => {
    expect(() => parseEnvelope(Buffer.from('{}\n{"type":"x","length":-1}\n'))).toThrow(/not a non-negative integer/);
    expect(() => parseEnvelope(Buffer.from('{}\n{"type":"x","length":1}\nab'))).toThrow(/not followed by a newline/);
  });

  it("throws only EnvelopeError on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          parseEnvelope(Buffer.from(bytes));
        } catch (error) {
          expect(error).toBeInstanceOf(EnvelopeError);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("Sentry auth", () => {
  it("parses X-Sentry-Auth with or without the sentry_ prefix and quotes", () => {
    expect(parseSentryAuthHeader("Sentry sentry_key=abc, sentry_version=7, sentry_client=sentry.javascript.node/10.0.0")).toEqual({ key: "abc", version: "7", client: "sentry.javascript.node/10.0.0" });
    expect(parseSentryAuthHeader('sentry key="abc"')?.key).toBe("abc");
    expect(parseSentryAuthHeader("Bearer abc")).toBeUndefined();
  });

  it("reads the public key and project id from a DSN", () => {
    expect(parseDsn("https://pub@o1.ingest.example/42")).toEqual({ publicKey: "pub", projectId: "42" });
    expect(parseDsn("not a dsn")).toBeUndefined();
  });
});
