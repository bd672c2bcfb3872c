import { createHash } from "node:crypto";
import type { NormalizedEvent, NormalizedException, NormalizedFrame } from "./event-manager.js";

/** What grouping decided: the hash that keys the group, and how it was reached. */
export interface GroupingResult {
  hash: string;
  /** The component list that was hashed (for debugging and tests). */
  components: string[];
  method: "fingerprint" | "exception" | "message" | "fallback";
  title: string;
  culprit: string;
}

const DEFAULT_MARKERS = new Set(["{{ default }}", "{{default}}"]);

const UUID = /\b[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\b/gi;
const HEX = /\b(0x[0-9a-f]+|[0-9a-f]{8,})\b/gi;
const ISO_DATE = /\b\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?\b/g;
const IP = /\b\d{1,3}(\.\d{1,3}){3}\b/g;
const NUMBER = /(?<![A-Za-z_])-?\d+(\.\d+)?/g;

/** Replaces the variable parts of a message (ids, dates, numbers) so "took 12ms" and "took 13ms" match. */
export function parameterizeMessage(message: string): string {
  return message.replace(UUID, "<uuid>").replace(ISO_DATE, "<date>").replace(IP, "<ip>").replace(HEX, (m) => (/\d/.test(m) ? "<hex>" : m)).replace(NUMBER, "<int>");
}

function frameIsInApp(frame: NormalizedFrame): boolean {
  return frame.in_app === true;
}

/** A frame's grouping identity: module (or file name without line numbers) and function. */
function frameComponent(frame: NormalizedFrame): string | undefined {
  const where = frame.module ?? frame.filename?.replace(/\?.*$/, "") ?? frame.abs_path?.replace(/\?.*$/, "");
  const fn = frame.function;
  if (!where && !fn) return undefined;
  return `${where ?? "?"}:${fn ?? "?"}`;
}

function exceptionComponents(values: NormalizedException[]): string[] | undefined {
  const components: string[] = [];
  for (const exception of values) {
    const frames = exception.stacktrace?.frames ?? [];
    const inApp = frames.filter(frameIsInApp);
    // Without in-app frames the whole stack identifies the error (Sentry's "system" variant).
    const chosen = inApp.length ? inApp : frames;
    const frameParts = chosen.map(frameComponent).filter((c): c is string => c !== undefined);
    const type = exception.type ?? "Error";
    components.push(`type:${type}`);
    if (frameParts.length) components.push(...frameParts.map((f) => `frame:${f}`));
    else if (exception.value) components.push(`value:${parameterizeMessage(exception.value)}`);
  }
  return components.length ? components : undefined;
}

function defaultComponents(event: NormalizedEvent): { components: string[]; method: GroupingResult["method"] } {
  const exceptions = event.exception?.values;
  const fromException = exceptions ? exceptionComponents(exceptions) : undefined;
  if (fromException) return { components: fromException, method: "exception" };
  const message = event.logentry?.message ?? event.message;
  if (message) return { components: [`message:${parameterizeMessage(message)}`], method: "message" };
  return { components: [`fallback:${event.transaction ?? event.culprit ?? "<no message>"}`], method: "fallback" };
}

/** The top (innermost) in-app frame, or the innermost frame when none is in-app. */
function topFrame(event: NormalizedEvent): NormalizedFrame | undefined {
  const exceptions = event.exception?.values ?? [];
  const last = exceptions[exceptions.length - 1];
  const frames = last?.stacktrace?.frames ?? [];
  for (let i = frames.length - 1; i >= 0; i--) if (frames[i]!.in_app === true) return frames[i];
  return frames[frames.length - 1];
}

/** Sentry's title: `<Type>: <value>` for exceptions (first line of the value), else the message. */
export function eventTitle(event: NormalizedEvent): string {
  const exceptions = event.exception?.values ?? [];
  const main = exceptions[exceptions.length - 1];
  if (main) {
    const type = main.type ?? "Error";
    const value = (main.value ?? "").split("\n")[0]!.trim();
    return truncate(value ? `${type}: ${value}` : type, 200);
  }
  const message = (event.message.split("\n")[0] ?? "").trim();
  if (message) return truncate(message, 200);
  return event.transaction ? truncate(event.transaction, 200) : "<unlabeled event>";
}

/** Sentry's culprit: the SDK's `culprit`, else `transaction`, else the top in-app frame (`module in function`). */
export function eventCulprit(event: NormalizedEvent): string {
  if (event.culprit) return event.culprit;
  if (event.transaction) return event.transaction;
  const frame = topFrame(event);
  if (!frame) return "";
  const where = frame.module ?? frame.filename ?? frame.abs_path ?? "";
  const fn = frame.function;
  if (where && fn) return truncate(`${fn}(${where})`, 200);
  return truncate(where || fn || "", 200);
}

function truncate(value: string, max: number): string {
  return value.length <= max ? value : value.slice(0, max - 3) + "...";
}

/**
 * Groups an event: the SDK's `fingerprint` when given (`{{ default }}` expands to the default components),
 * else exception types and in-app frames, else the parameterized message.
 */
export function groupEvent(event: NormalizedEvent): GroupingResult {
  let components: string[];
  let method: GroupingResult["method"];
  if (event.fingerprint?.length) {
    method = "fingerprint";
    components = [];
    for (const part of event.fingerprint) {
      if (DEFAULT_MARKERS.has(part.trim())) components.push(...defaultComponents(event).components);
      else components.push(`fp:${part}`);
    }
  } else {
    ({ components, method } = defaultComponents(event));
  }
  const hash = createHash("md5").update(JSON.stringify(components)).digest("hex");
  return { hash, components, method, title: eventTitle(event), culprit: eventCulprit(event) };
}
