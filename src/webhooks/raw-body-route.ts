import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { WEBHOOK_BODY_LIMIT } from "./github/github-webhook-route.js";

/** A webhook handler: gets the raw body bytes (signatures are computed over them) and answers itself. */
export type RawBodyHandler = (request: FastifyRequest, reply: FastifyReply, body: Buffer) => Promise<FastifyReply>;

/** A request header's first value. */
export function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Answers with a stable error code in the body and in `x-error-code`. */
export function refuseWebhook(reply: FastifyReply, status: number, code: string, detail: string): FastifyReply {
  return reply.status(status).header("x-error-code", code).send({ detail, code });
}

/**
 * The shape every provider callback route shares: any content type read as raw bytes up to the
 * 25 MiB webhook limit (413 beyond), other methods answered 405 naming POST.
 */
export async function registerRawBodyRoute(server: FastifyInstance, url: string, handler: RawBodyHandler): Promise<void> {
  await server.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) => done(null, body));
    scope.route({
      method: ["POST", "GET", "PUT", "PATCH", "DELETE"],
      url,
      bodyLimit: WEBHOOK_BODY_LIMIT,
      handler: async (request, reply) => {
        if (request.method !== "POST") return reply.status(405).header("allow", "POST").send({ detail: `Method "${request.method}" not allowed.`, code: "method_not_allowed" });
        return handler(request, reply, Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0));
      },
    });
  });
}
