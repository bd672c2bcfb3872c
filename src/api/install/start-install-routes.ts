import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { App } from "../../app.js";
import { assertOrganizationSlug, requireOrganization } from "../auth/require-organization.js";
import { describeRoute } from "../openapi/registry.js";
import { setupUrl } from "./browser-step.js";
import { signInstallState, STATE_TTL_SECONDS } from "./install-state.js";

/** Providers with a browser install flow, and the path segment of their setup pages. */
export const INSTALL_PATHS = { github: "github", vsts: "vsts", jira_server: "jira-server", bitbucket: "bitbucket" } as const;

const params = z.object({ org: z.string(), provider: z.enum(["github", "vsts", "jira_server", "bitbucket"]) });
const body = z.object({ flow: z.enum(["legacy", "entra"]).optional().describe("Azure DevOps only: the legacy app (default) or Entra ID") }).strict();
const response = z.object({
  provider: z.string(),
  url: z.string().describe("Send the person's browser here; it carries the signed, single-use state"),
  expiresAt: z.string().describe("The state stops working at this time (10 minutes)"),
});

/**
 * `POST /api/0/organizations/{org}/integrations/{provider}/install/`: starts an install flow for the
 * organization and answers the URL of its first page (Sentry's pipeline entry point).
 */
export function registerStartInstallRoutes(server: FastifyInstance, app: App): void {
  describeRoute({ method: "post", path: "/api/0/organizations/:org/integrations/:provider/install/", summary: "Start installing an integration: the URL to send the browser to", tag: "integrations", params, body, response, status: 201 });
  server.post("/api/0/organizations/:org/integrations/:provider/install/", async (request, reply) => {
    const p = params.parse(request.params);
    const org = await requireOrganization(app, request);
    assertOrganizationSlug(org, p.org);
    const input = body.parse(request.body ?? {});
    // Entra ID is Sentry's `vsts_new`: the flow travels in the state's provider so the callback cannot be switched.
    const stateProvider = p.provider === "vsts" && input.flow === "entra" ? "vsts_new" : p.provider;
    const state = signInstallState(app, org.id, stateProvider);
    const url = setupUrl(app, `/extensions/${INSTALL_PATHS[p.provider]}/setup/`, { state });
    return reply.status(201).send({ provider: p.provider, url, expiresAt: new Date(app.clock.now() + STATE_TTL_SECONDS * 1000).toISOString() });
  });
}
