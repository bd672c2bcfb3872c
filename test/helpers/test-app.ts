import type { FastifyInstance } from "fastify";
import { Writable } from "node:stream";
import { buildServer } from "../../src/api/server.js";
import { createApp, type App } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import type { Clock } from "../../src/platform/clock.js";
import { startJobWorkers } from "../../src/jobs/start-workers.js";
import { createTestStore, redisUrl, uniquePrefix, type TestStore } from "./test-store.js";

export interface TestApp {
  app: App;
  server: FastifyInstance;
  /** Base URL of the listening server, e.g. http://127.0.0.1:40123 */
  url: string;
  /** Every log line written while the app ran (to check that no secret leaks). */
  logs: string[];
  testStore: TestStore;
  close(): Promise<void>;
}

export interface StartTestAppOptions {
  clock?: Clock;
  /** Environment overrides on top of the test defaults (e.g. provider URLs of simulators). */
  env?: Record<string, string>;
  /** Listen on a port (default true); false to use `server.inject` only. */
  listen?: boolean;
  /** Run the job workers in this process, as `serve` does on the embedded default. */
  workers?: boolean;
}

/**
 * Starts the whole service on a fresh store of the run's kind (SQLite, or a private PostgreSQL schema and
 * Redis prefix when DATABASE_URL / REDIS_URL are set), listening on 127.0.0.1 port 0.
 */
export async function startTestApp(options: StartTestAppOptions = {}): Promise<TestApp> {
  const testStore = await createTestStore();
  await testStore.store.close();
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const env: Record<string, string | undefined> = {
    SWITCHBOARD_DATA_DIR: testStore.dataDir,
    DATABASE_URL: process.env.DATABASE_URL,
    REDIS_URL: redisUrl,
    LOG_LEVEL: "info",
    SWITCHBOARD_ALLOW_PRIVATE_TARGETS: "127.0.0.1,::1,localhost",
    PORT: "0",
    ...options.env,
  };
  const config = loadConfig(env);
  const app = await createApp(config, {
    logger: createLogger(config.logLevel, sink),
    clock: options.clock,
    schema: testStore.schema,
    keyPrefix: uniquePrefix("app"),
  });
  // The store opened by createApp replaces the probe store; destroy() must close this one.
  testStore.store = app.store;
  const server = await buildServer(app);
  let url = "";
  if (options.listen !== false) {
    url = await server.listen({ port: 0, host: "127.0.0.1" });
    app.config.publicUrl = options.env?.SWITCHBOARD_URL ?? url;
  } else {
    await server.ready();
  }
  const workers = options.workers ? startJobWorkers(app) : [];
  return {
    app,
    server,
    url,
    logs,
    testStore,
    close: async () => {
      await Promise.all(workers.map((w) => w.stop()));
      await server.close();
      await app.platform.close();
      await testStore.destroy();
    },
  };
}
