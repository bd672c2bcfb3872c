import { describe, expect, it } from "vitest";
import { composeSnowflake, decomposeSnowflake, msb0Ordering, snowflakeFor, SNOWFLAKE_EPOCH_START } from "../../src/domain/snowflake.js";

describe("snowflake layout (§11.4)", () => {
  it("orders the version msb-0: 1 -> 16, 2 -> 8, 3 -> 24 over 5 bits", () => {
    expect(msb0Ordering(1, 5)).toBe(16);
    expect(msb0Ordering(2, 5)).toBe(8);
    expect(msb0Ordering(3, 5)).toBe(24);
  });

  it("packs version, 32-bit seconds, 12-bit region and 4-bit sequence into 53 bits", () => {
    // (((16 << 32) | 0) << 12 | 0) << 4 | 0 = 16 * 2^48
    expect(composeSnowflake({ version: 16, timeDifference: 0, regionId: 0, sequence: 0 })).toBe(4503599627370496);
    // One second later, sequence 1: + 2^16 + 1
    expect(composeSnowflake({ version: 16, timeDifference: 1, regionId: 0, sequence: 1 })).toBe(4503599627436033);
    // Region 1 is worth 2^4, sequence 15 is 15.
    expect(composeSnowflake({ version: 16, timeDifference: 0, regionId: 1, sequence: 15 })).toBe(4503599627370496 + 16 + 15);
  });

  it("keeps every id within JavaScript's safe integers", () => {
    const largest = composeSnowflake({ version: 31, timeDifference: 2 ** 32 - 1, regionId: 4095, sequence: 15 });
    expect(largest).toBe(2 ** 53 - 1);
    expect(Number.isSafeInteger(largest)).toBe(true);
  });

  it("refuses a segment wider than its bits with Sentry's message", () => {
    expect(() => composeSnowflake({ version: 16, timeDifference: 0, regionId: 0, sequence: 16 })).toThrow(
      "Region sequence exceed max bit value of 4",
    );
    expect(() => composeSnowflake({ version: 16, timeDifference: 2 ** 32, regionId: 0, sequence: 0 })).toThrow(
      "Time difference exceed max bit value of 32",
    );
    expect(() => composeSnowflake({ version: 16, timeDifference: 0, regionId: 4096, sequence: 0 })).toThrow(
      "Region ID exceed max bit value of 12",
    );
    expect(() => composeSnowflake({ version: 32, timeDifference: 0, regionId: 0, sequence: 0 })).toThrow(
      "Version ID exceed max bit value of 5",
    );
  });

  it("decomposes what it composes", () => {
    const parts = { version: 16, timeDifference: 123_456_789, regionId: 7, sequence: 9 };
    expect(decomposeSnowflake(composeSnowflake(parts))).toEqual(parts);
  });

  it("stamps a slot with the seconds since the epoch start", () => {
    const second = SNOWFLAKE_EPOCH_START + 1000;
    const parts = decomposeSnowflake(snowflakeFor({ timestamp: second, sequence: 3 }));
    expect(parts).toEqual({ version: 16, timeDifference: 1000, regionId: 0, sequence: 3 });
  });

  it("uses 2022-08-08T00:00:00Z as the epoch start", () => {
    expect(new Date(SNOWFLAKE_EPOCH_START * 1000).toISOString()).toBe("2022-08-08T00:00:00.000Z");
  });
});
