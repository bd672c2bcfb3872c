// One server of the webhook-ingest benchmark, in a process of its own so its peak RSS is its own.
// Bundled and started by bench/webhook-ingest.ts: `node <bundle> <switchboard|probot|bare> <secret> [dataDir] [schema]`;
// prints `READY <url>` once listening and runs until SIGTERM.
import { createHmac, generateKeyPairSync, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import Fastify from "fastify";
import { buildServer } from "../src/api/server.js";
import { createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";

const [kind, secret, dataDir, schema] = process.argv.slice(2) as [string, string, string | undefined, string | undefined];

async function switchboard(): Promise<string> {
  // As `serve --worker off` runs it: verify, record durably (group commit), queue, acknowledge.
  const config = loadConfig({
    SWITCHBOARD_DATA_DIR: dataDir,
    DATABASE_URL: process.env.BENCH_DATABASE_URL,
    REDIS_URL: process.env.BENCH_REDIS_URL,
    SWITCHBOARD_SECRET_KEY: "62656e63682d776562686f6f6b2d696e676573742d7661756c742d6b65792121",
    GITHUB_WEBHOOK_SECRET: secret,
    LOG_LEVEL: "warn",
    PORT: "0",
  });
  const app = await createApp(config, { logger: createLogger("warn", process.stderr), ...(schema ? { schema } : {}), keyPrefix: `bench:${process.pid}:` });
  const server = await buildServer(app);
  const url = await server.listen({ port: 0, host: "127.0.0.1" });
  process.once("SIGTERM", () => void server.close().then(() => app.close()).then(() => process.exit(0)));
  return `${url}/extensions/github/webhook/`;
}

/** The part of probot's API used here. */
interface ProbotModule {
  Probot: new (options: { appId: number; privateKey: string; secret: string; logLevel: string }) => unknown;
  createNodeMiddleware(
    appFn: (app: { on(event: string, handler: () => Promise<void>): void }) => void,
    options: { probot: unknown },
  ): Promise<(request: IncomingMessage, response: ServerResponse, next: () => void) => unknown>;
}

async function probot(): Promise<string> {
  // Imported by a computed name: probot's type declarations narrow NodeJS.ProcessEnv for the whole program.
  const specifier = "probot";
  const { Probot, createNodeMiddleware } = (await import(specifier)) as ProbotModule;
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs1", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
  const bot = new Probot({ appId: 1, privateKey, secret, logLevel: "warn" });
  const middleware = await createNodeMiddleware(
    (app) => {
      app.on("issues", async () => undefined);
    },
    { probot: bot },
  );
  const server = createServer((request, response) => {
    void middleware(request, response, () => {
      response.writeHead(404);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.once("SIGTERM", () => server.close(() => process.exit(0)));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/api/github/webhooks`;
}

async function bare(): Promise<string> {
  // The ceiling: read the raw bytes and check the HMAC, nothing else.
  const server = Fastify({ logger: false, bodyLimit: 25 * 1024 * 1024 });
  server.removeAllContentTypeParsers();
  server.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));
  server.post("/webhook", async (request, reply) => {
    const header = String(request.headers["x-hub-signature-256"] ?? "");
    const given = Buffer.from(header.slice(7), "hex");
    const expected = createHmac("sha256", secret).update(request.body as Buffer).digest();
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return reply.status(401).send();
    return reply.status(204).send();
  });
  const url = await server.listen({ port: 0, host: "127.0.0.1" });
  process.once("SIGTERM", () => void server.close().then(() => process.exit(0)));
  return `${url}/webhook`;
}

const start = { switchboard, probot, bare }[kind];
if (!start) throw new Error(`unknown server kind ${kind}`);
console.log(`READY ${await start()}`);
