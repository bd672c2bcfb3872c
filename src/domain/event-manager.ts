import { randomUUID } from "node:crypto";

/** A stack frame after normalization: only the fields grouping and display use. */
export interface NormalizedFrame {
  filename?: string;
  abs_path?: string;
  module?: string;
  function?: string;
  lineno?: number;
  colno?: number;
  in_app?: boolean;
  context_line?: string;
}

export interface NormalizedException {
  type?: string;
  value?: string;
  module?: string;
  mechanism?: { type?: string; handled?: boolean };
  stacktrace?: { frames: NormalizedFrame[] };
}

/** The event as it is stored: every field known, bounded and typed. */
export interface NormalizedEvent {
  event_id: string;
  project: number;
  timestamp: string;
  received: string;
  level: EventLevel;
  platform: string;
  message: string;
  logentry?: { message: string; formatted: string; params?: unknown[] };
  exception?: { values: NormalizedException[] };
  fingerprint?: string[];
  transaction?: string;
  culprit?: string;
  logger?: string;
  release?: string;
  environment?: string;
  server_name?: string;
  tags: [string, string][];
  user?: Record<string, unknown>;
  contexts?: Record<string, unknown>;
  extra?: Record<string, unknown>;
  request?: Record<string, unknown>;
  sdk?: { name?: string; version?: string };
  breadcrumbs?: { values: unknown[] };
}

export const EVENT_LEVELS = ["fatal", "error", "warning", "info", "debug"] as const;
export type EventLevel = (typeof EVENT_LEVELS)[number];

/** Bounds borrowed from Relay's store normalizer (so values Sentry keeps, we keep). */
export const LIMITS = {
  message: 8192,
  shortString: 200,
  tagValue: 200,
  tagKey: 32,
  exceptionValue: 4096,
  frames: 250,
  exceptions: 25,
  tags: 100,
  fingerprintParts: 20,
  fingerprintPart: 1024,
  breadcrumbs: 100,
  /** Free-form objects (contexts, extra, user, request) are dropped when larger than this serialized. */
  blob: 64 * 1024,
  /** Accepted skew: timestamps further in the future than this are clamped to received (Relay: 1 min). */
  futureSkewMs: 60_000,
  /** Timestamps older than this are clamped to received (Relay: 30 days). */
  maxAgeMs: 30 * 24 * 3600_000,
} as const;

export class NormalizationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NormalizationError";
  }
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Trims a string to `max` characters, replacing the tail with an ellipsis as Relay does. */
export function trimString(value: string, max: number): string {
  if (value.length <= max) return value;
  return value.slice(0, Math.max(0, max - 3)) + "...";
}

function str(value: unknown, max: number): string | undefined {
  if (typeof value === "string") return value.length ? trimString(value, max) : undefined;
  if (typeof value === "number" || typeof value === "boolean") return trimString(String(value), max);
  return undefined;
}

function int(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? Math.trunc(value) : undefined;
}

function blob(value: unknown): Json | undefined {
  if (!isObject(value)) return undefined;
  try {
    const text = JSON.stringify(value);
    return text.length <= LIMITS.blob ? (JSON.parse(text) as Json) : undefined;
  } catch {
    return undefined;
  }
}

const EVENT_ID = /^[0-9a-f]{32}$/;

/** A 32-hex event id from an SDK's id (dashes and case tolerated), or a fresh one. */
export function normalizeEventId(value: unknown): string {
  if (typeof value === "string") {
    const candidate = value.replace(/-/g, "").toLowerCase();
    if (EVENT_ID.test(candidate)) return candidate;
  }
  return randomUUID().replace(/-/g, "");
}

/** True for a valid 32-hex event id (after the same tolerance normalizeEventId has). */
export function isValidEventId(value: unknown): boolean {
  return typeof value === "string" && EVENT_ID.test(value.replace(/-/g, "").toLowerCase());
}

function normalizeTimestamp(value: unknown, receivedMs: number): string {
  let ms: number | undefined;
  if (typeof value === "number" && Number.isFinite(value)) ms = value * 1000;
  else if (typeof value === "string" && value.length < 64) {
    // Sentry accepts naive timestamps as UTC.
    const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(value);
    const parsed = Date.parse(hasZone || !value.includes("T") ? value : value + "Z");
    if (Number.isFinite(parsed)) ms = parsed;
    else if (/^\d+(\.\d+)?$/.test(value)) ms = Number(value) * 1000;
  }
  if (ms === undefined || ms > receivedMs + LIMITS.futureSkewMs || ms < receivedMs - LIMITS.maxAgeMs) ms = receivedMs;
  return new Date(ms).toISOString();
}

function normalizeLevel(value: unknown): EventLevel {
  if (typeof value !== "string") return "error";
  const lower = value.toLowerCase();
  if (lower === "warn") return "warning";
  if (lower === "critical") return "fatal";
  if (lower === "log") return "info";
  return (EVENT_LEVELS as readonly string[]).includes(lower) ? (lower as EventLevel) : "error";
}

function normalizeFrame(raw: unknown): NormalizedFrame | undefined {
  if (!isObject(raw)) return undefined;
  const frame: NormalizedFrame = {};
  const filename = str(raw.filename, LIMITS.shortString * 5);
  const absPath = str(raw.abs_path, LIMITS.shortString * 5);
  const module = str(raw.module, LIMITS.shortString * 5);
  const fn = str(raw.function, LIMITS.shortString * 5);
  const lineno = int(raw.lineno);
  const colno = int(raw.colno);
  const contextLine = str(raw.context_line, 1024);
  if (filename !== undefined) frame.filename = filename;
  if (absPath !== undefined) frame.abs_path = absPath;
  if (module !== undefined) frame.module = module;
  if (fn !== undefined) frame.function = fn;
  if (lineno !== undefined) frame.lineno = lineno;
  if (colno !== undefined) frame.colno = colno;
  if (typeof raw.in_app === "boolean") frame.in_app = raw.in_app;
  if (contextLine !== undefined) frame.context_line = contextLine;
  return frame;
}

function normalizeFrames(raw: unknown): NormalizedFrame[] | undefined {
  const frames = isObject(raw) && Array.isArray(raw.frames) ? raw.frames : undefined;
  if (!frames) return undefined;
  const out = frames.map(normalizeFrame).filter((f): f is NormalizedFrame => f !== undefined);
  // Keep the innermost frames (the end of the list) when trimming: they locate the error.
  return out.length > LIMITS.frames ? out.slice(out.length - LIMITS.frames) : out;
}

function normalizeException(raw: unknown): NormalizedException | undefined {
  if (!isObject(raw)) return undefined;
  const exception: NormalizedException = {};
  const type = str(raw.type, LIMITS.shortString);
  const value = str(raw.value, LIMITS.exceptionValue);
  const module = str(raw.module, LIMITS.shortString);
  if (type !== undefined) exception.type = type;
  if (value !== undefined) exception.value = value;
  if (module !== undefined) exception.module = module;
  if (isObject(raw.mechanism)) {
    const mechanism: { type?: string; handled?: boolean } = {};
    const mtype = str(raw.mechanism.type, LIMITS.shortString);
    if (mtype !== undefined) mechanism.type = mtype;
    if (typeof raw.mechanism.handled === "boolean") mechanism.handled = raw.mechanism.handled;
    exception.mechanism = mechanism;
  }
  const frames = normalizeFrames(raw.stacktrace);
  if (frames) exception.stacktrace = { frames };
  if (exception.type === undefined && exception.value === undefined && !frames?.length) return undefined;
  return exception;
}

function normalizeExceptions(raw: unknown): NormalizedException[] | undefined {
  // The `exception` interface is either `{values: [...]}` or, in old SDKs, a bare list or a single object.
  let list: unknown[] | undefined;
  if (Array.isArray(raw)) list = raw;
  else if (isObject(raw)) list = Array.isArray(raw.values) ? raw.values : [raw];
  if (!list) return undefined;
  const values = list
    .slice(-LIMITS.exceptions)
    .map(normalizeException)
    .filter((e): e is NormalizedException => e !== undefined);
  return values.length ? values : undefined;
}

function formatLogentry(raw: unknown): { message: string; formatted: string; params?: unknown[] } | undefined {
  if (typeof raw === "string") return { message: trimString(raw, LIMITS.message), formatted: trimString(raw, LIMITS.message) };
  if (!isObject(raw)) return undefined;
  const message = str(raw.message, LIMITS.message);
  let formatted = str(raw.formatted, LIMITS.message);
  const params = Array.isArray(raw.params) ? raw.params.slice(0, 50).filter((p) => typeof p !== "object" || p === null) : undefined;
  if (formatted === undefined && message !== undefined) {
    // %s-style formatting, as Relay does for `logentry.params`.
    let i = 0;
    formatted = params?.length ? trimString(message.replace(/%[sdif]/g, (m) => (i < params.length ? String(params[i++]) : m)), LIMITS.message) : message;
  }
  if (formatted === undefined) return undefined;
  return { message: message ?? formatted, formatted, ...(params?.length ? { params } : {}) };
}

function normalizeTags(raw: unknown): [string, string][] {
  const pairs: [unknown, unknown][] = [];
  if (Array.isArray(raw)) {
    for (const item of raw) if (Array.isArray(item) && item.length === 2) pairs.push([item[0], item[1]]);
  } else if (isObject(raw)) {
    for (const [k, v] of Object.entries(raw)) pairs.push([k, v]);
  }
  const out: [string, string][] = [];
  for (const [k, v] of pairs) {
    const key = str(k, LIMITS.tagKey);
    const value = str(v, LIMITS.tagValue);
    if (key === undefined || value === undefined || /\s/.test(key)) continue;
    out.push([key, value]);
    if (out.length >= LIMITS.tags) break;
  }
  return out;
}

function normalizeFingerprint(raw: unknown): string[] | undefined {
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  const parts = raw
    .slice(0, LIMITS.fingerprintParts)
    .map((p) => str(p, LIMITS.fingerprintPart))
    .filter((p): p is string => p !== undefined);
  return parts.length ? parts : undefined;
}

/** Relay's store normalization: a pure function of the payload, the project and the receive time. */
export function normalizePayload(raw: unknown, projectId: number, receivedMs: number): NormalizedEvent {
  const data: Json = isObject(raw) ? raw : {};
  const received = new Date(receivedMs).toISOString();
  const logentry = formatLogentry(data.logentry ?? data["sentry.interfaces.Message"]) ?? formatLogentry(data.message);
  const exceptions = normalizeExceptions(data.exception ?? data["sentry.interfaces.Exception"]);
  const event: NormalizedEvent = {
    event_id: normalizeEventId(data.event_id),
    project: projectId,
    timestamp: normalizeTimestamp(data.timestamp, receivedMs),
    received,
    level: normalizeLevel(data.level),
    platform: str(data.platform, 64)?.toLowerCase() ?? "other",
    message: logentry?.formatted ?? "",
    tags: normalizeTags(data.tags),
  };
  if (logentry) event.logentry = logentry;
  if (exceptions) event.exception = { values: exceptions };
  const fingerprint = normalizeFingerprint(data.fingerprint);
  if (fingerprint) event.fingerprint = fingerprint;
  for (const key of ["transaction", "culprit", "logger", "release", "environment", "server_name"] as const) {
    const value = str(data[key], key === "transaction" || key === "culprit" ? LIMITS.shortString : 200);
    if (value !== undefined) event[key] = value;
  }
  for (const key of ["user", "contexts", "extra", "request"] as const) {
    const value = blob(data[key]);
    if (value !== undefined) event[key] = value;
  }
  if (isObject(data.sdk)) {
    const sdk: { name?: string; version?: string } = {};
    const name = str(data.sdk.name, 64);
    const version = str(data.sdk.version, 64);
    if (name !== undefined) sdk.name = name;
    if (version !== undefined) sdk.version = version;
    event.sdk = sdk;
  }
  const crumbs = Array.isArray(data.breadcrumbs) ? data.breadcrumbs : isObject(data.breadcrumbs) && Array.isArray(data.breadcrumbs.values) ? data.breadcrumbs.values : undefined;
  if (crumbs) {
    const kept = crumbs.slice(-LIMITS.breadcrumbs).filter(isObject);
    const values = kept.length ? blob({ values: kept }) : undefined;
    if (values) event.breadcrumbs = values as { values: unknown[] };
  }
  return event;
}

/**
 * Sentry's EventManager (§12): one manager per (project, payload); `normalize` runs at most once and only
 * for the project it was made for; `save` normalizes unless already done or `assumeNormalized`.
 */
export class EventManager {
  private normalized = false;
  private data: unknown;

  constructor(
    readonly projectId: number,
    payload: unknown,
    private readonly receivedMs: number,
  ) {
    this.data = payload;
  }

  /** Runs the store normalizer; an error when already normalized or asked for another project. */
  normalize(projectId: number = this.projectId): NormalizedEvent {
    if (this.normalized) throw new NormalizationError("Event was already normalized");
    if (projectId !== this.projectId) throw new NormalizationError(`Event belongs to project ${this.projectId}, not ${projectId}`);
    this.data = normalizePayload(this.data, this.projectId, this.receivedMs);
    this.normalized = true;
    return this.data as NormalizedEvent;
  }

  /** The event ready to save: normalized exactly once (or trusted when `assumeNormalized`). */
  prepare(options: { assumeNormalized?: boolean } = {}): NormalizedEvent {
    if (!this.normalized) {
      if (!options.assumeNormalized) this.normalize();
      this.normalized = true;
    }
    return this.data as NormalizedEvent;
  }
}
