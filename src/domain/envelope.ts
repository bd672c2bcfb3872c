/** One item of a Sentry envelope: its header and raw payload bytes. */
export interface EnvelopeItem {
  type: string;
  header: Record<string, unknown>;
  payload: Buffer;
}

export interface Envelope {
  header: Record<string, unknown>;
  items: EnvelopeItem[];
}

/** Why an envelope could not be read; the message names the problem for the SDK author. */
export class EnvelopeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "EnvelopeError";
  }
}

const NEWLINE = 0x0a;

function parseHeaderLine(bytes: Buffer, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new EnvelopeError("envelope_bad_header", `The ${what} is not valid JSON`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new EnvelopeError("envelope_bad_header", `The ${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

/** Reads up to the next newline (exclusive) from `offset`; the end of the buffer ends the line too. */
function readLine(body: Buffer, offset: number): { line: Buffer; next: number } {
  const end = body.indexOf(NEWLINE, offset);
  if (end === -1) return { line: body.subarray(offset), next: body.length };
  return { line: body.subarray(offset, end), next: end + 1 };
}

const stripCr = (line: Buffer): Buffer => (line.length && line[line.length - 1] === 0x0d ? line.subarray(0, line.length - 1) : line);

/**
 * Parses Sentry's envelope format: a header line, then items (a header line, then a payload of `length`
 * bytes when the header says so, else up to the next newline). Binary-safe: payloads stay Buffers.
 */
export function parseEnvelope(body: Buffer, maxItems = 1000): Envelope {
  if (body.length === 0) throw new EnvelopeError("envelope_empty", "The envelope is empty");
  const first = readLine(body, 0);
  const header = parseHeaderLine(stripCr(first.line), "envelope header");
  const items: EnvelopeItem[] = [];
  let offset = first.next;
  let index = 0;
  while (offset < body.length) {
    const { line, next } = readLine(body, offset);
    const trimmed = stripCr(line);
    // Blank lines between items (a trailing newline after the last payload) are tolerated, as in Relay.
    if (trimmed.length === 0) {
      offset = next;
      continue;
    }
    index++;
    if (items.length >= maxItems) throw new EnvelopeError("envelope_too_many_items", `The envelope has more than ${maxItems} items`);
    const itemHeader = parseHeaderLine(trimmed, `header of item ${index}`);
    const type = itemHeader.type;
    if (typeof type !== "string" || type.length === 0) throw new EnvelopeError("envelope_item_type_missing", `The header of item ${index} has no "type"`);
    const length = itemHeader.length;
    let payload: Buffer;
    if (length !== undefined && length !== null) {
      if (typeof length !== "number" || !Number.isInteger(length) || length < 0) {
        throw new EnvelopeError("envelope_bad_length", `The "length" of item ${index} is not a non-negative integer`);
      }
      if (next + length > body.length) {
        throw new EnvelopeError("envelope_length_exceeds_body", `Item ${index} declares length ${length} but only ${body.length - next} bytes remain`);
      }
      payload = body.subarray(next, next + length);
      offset = next + length;
      // The newline after a sized payload is optional.
      if (body[offset] === 0x0d && body[offset + 1] === NEWLINE) offset += 2;
      else if (body[offset] === NEWLINE) offset += 1;
      else if (offset < body.length) throw new EnvelopeError("envelope_missing_newline", `Item ${index}'s payload is not followed by a newline`);
    } else {
      const rest = readLine(body, next);
      payload = stripCr(rest.line);
      offset = rest.next;
    }
    items.push({ type, header: itemHeader, payload });
  }
  return { header, items };
}
