/*
 * Snowflake ids, Sentry's exact 53-bit layout (§11.4), most significant first:
 * 5-bit version (msb-0 ordered), 32-bit seconds since the epoch start, 12-bit region, 4-bit sequence.
 * 53 bits fit a JavaScript number exactly; JSON still carries them as strings.
 */

export const SNOWFLAKE_VERSION_ID = 1;
/** Production epoch start (2022-08-08T00:00:00Z) in epoch seconds. */
export const SNOWFLAKE_EPOCH_START = Date.UTC(2022, 7, 8) / 1000;
/** The region of a single-region deployment (`NULL_REGION_ID`). */
export const NULL_REGION_ID = 0;

export const SEGMENTS = [
  { name: "Version ID", bits: 5 },
  { name: "Time difference", bits: 32 },
  { name: "Region ID", bits: 12 },
  { name: "Region sequence", bits: 4 },
] as const;

/** Writes `value` as `width` bits, reverses them and reads them back (1,5 -> 16; 2,5 -> 8; 3,5 -> 24). */
export function msb0Ordering(value: number, width: number): number {
  const bits = value.toString(2).padStart(width, "0");
  return parseInt(bits.split("").reverse().join(""), 2);
}

export interface SnowflakeParts {
  /** Already msb-0 ordered version value (16 for version 1). */
  version: number;
  timeDifference: number;
  regionId: number;
  sequence: number;
}

/** Packs the four segments into one id; each must fit its width. */
export function composeSnowflake(parts: SnowflakeParts): number {
  const values = [parts.version, parts.timeDifference, parts.regionId, parts.sequence];
  let id = 0n;
  SEGMENTS.forEach((segment, i) => {
    const value = values[i] as number;
    if (!Number.isInteger(value) || value < 0 || value >= 2 ** segment.bits) {
      throw new Error(`${segment.name} exceed max bit value of ${segment.bits}`);
    }
    id = (id << BigInt(segment.bits)) | BigInt(value);
  });
  return Number(id);
}

/** Splits an id back into its segments. */
export function decomposeSnowflake(id: number): SnowflakeParts {
  let rest = BigInt(id);
  const out: number[] = [];
  for (const segment of [...SEGMENTS].reverse()) {
    out.unshift(Number(rest & ((1n << BigInt(segment.bits)) - 1n)));
    rest >>= BigInt(segment.bits);
  }
  return { version: out[0] as number, timeDifference: out[1] as number, regionId: out[2] as number, sequence: out[3] as number };
}

/** The id for a slot handed out by the sequence allocator. */
export function snowflakeFor(slot: { timestamp: number; sequence: number }, epochStart = SNOWFLAKE_EPOCH_START, regionId = NULL_REGION_ID): number {
  return composeSnowflake({
    version: msb0Ordering(SNOWFLAKE_VERSION_ID, 5),
    timeDifference: slot.timestamp - Math.floor(epochStart),
    regionId,
    sequence: slot.sequence,
  });
}
