import { gzipSync } from "node:zlib";
import { createApiToken } from "../../src/store/api-tokens.js";
import { createProjectKey } from "../../src/store/project-keys.js";
import { createOrganization, createProject } from "../helpers/fixtures.js";
import type { TestApp } from "../helpers/test-app.js";

/** An organization with one project, an active key and an API token, on a running test app. */
export async function seedIntakeProject(t: TestApp) {
  const db = t.app.store.db;
  const org = await createOrganization(db);
  const project = await createProject(db, org.id);
  const key = await createProjectKey(db, project.id);
  const { token } = await createApiToken(db, org.id, "intake test", new Date().toISOString());
  const host = new URL(t.url).host;
  return {
    org,
    project,
    key,
    token,
    dsn: `http://${key.publicKey}@${host}/${project.id}`,
    envelopeUrl: `${t.url}/api/${project.id}/envelope/`,
    storeUrl: `${t.url}/api/${project.id}/store/`,
    auth: `Sentry sentry_key=${key.publicKey}, sentry_version=7, sentry_client=test/1.0`,
  };
}

/** An envelope with one event item (and any extra raw items), as the SDKs serialize it. */
export function envelopeOf(event: Record<string, unknown>, options: { header?: Record<string, unknown>; extra?: string[]; sized?: boolean } = {}): string {
  const payload = JSON.stringify(event);
  const itemHeader = options.sized ? { type: "event", length: Buffer.byteLength(payload) } : { type: "event" };
  const header = { event_id: event.event_id, sent_at: new Date().toISOString(), ...options.header };
  return [JSON.stringify(header), JSON.stringify(itemHeader), payload, ...(options.extra ?? [])].join("\n") + "\n";
}

export const gzip = (text: string | Buffer) => gzipSync(text);

/** A Node-style exception event whose grouping depends on `fn` (the in-app function name). */
export function exceptionEvent(eventId: string, type: string, value: string, fn = "handler", extra: Record<string, unknown> = {}) {
  return {
    event_id: eventId,
    platform: "node",
    level: "error",
    exception: {
      values: [
        {
          type,
          value,
          stacktrace: {
            frames: [
              { filename: "node:internal/process", function: "processTicks", in_app: false, lineno: 1 },
              { filename: "/app/src/routes.js", module: "routes", function: fn, in_app: true, lineno: 42 },
            ],
          },
        },
      ],
    },
    ...extra,
  };
}

let counter = 0;
/** A fresh 32-hex event id. */
export function newEventId(): string {
  counter++;
  return (Date.now().toString(16) + counter.toString(16).padStart(8, "0") + Math.random().toString(16).slice(2)).padEnd(32, "0").slice(0, 32);
}
