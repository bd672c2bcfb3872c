import type { FastifyInstance } from "fastify";
import type { App } from "../../app.js";
import { bitbucketDescriptor } from "../../providers/bitbucket/install.js";

/** `GET /extensions/bitbucket/descriptor/`: the Connect descriptor Bitbucket reads before installing (§4.1). */
export function registerBitbucketDescriptorRoute(server: FastifyInstance, app: App): void {
  server.get("/extensions/bitbucket/descriptor/", async (_request, reply) => reply.header("cache-control", "no-store").send(bitbucketDescriptor(app.config.publicUrl)));
}
