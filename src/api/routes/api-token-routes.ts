import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { App } from "../../app.js";
import { isoNow } from "../../platform/clock.js";
import { createApiToken, deleteApiToken, listApiTokens } from "../../store/api-tokens.js";
import { assertOrganizationSlug, requireOrganization } from "../auth/require-organization.js";
import { describeRoute } from "../openapi/registry.js";
import { text } from "../schemas/text.js";
import { notFound } from "./lookup.js";

const orgParams = z.object({ org: z.string() });
const tokenParams = z.object({ org: z.string(), tokenId: z.string() });
const createBody = z.object({ name: text().trim().min(1, "Give the token a name.").max(100) }).strict();

const tokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  tokenLastCharacters: z.string(),
  scopes: z.array(z.string()),
  dateCreated: z.string(),
  dateLastUsed: z.string().nullable(),
});

type TokenRow = Awaited<ReturnType<typeof listApiTokens>>[number];

function serializeToken(row: TokenRow): z.infer<typeof tokenSchema> {
  return {
    id: String(row.id),
    name: row.name,
    tokenLastCharacters: row.token_last_characters,
    scopes: JSON.parse(row.scopes) as string[],
    dateCreated: row.date_added,
    dateLastUsed: row.last_used,
  };
}

/** Organization API tokens: list (never the secret), create (the secret shown once), revoke. */
export function registerApiTokenRoutes(server: FastifyInstance, app: App): void {
  const base = "/api/0/organizations/:org/org-auth-tokens/";
  describeRoute({ method: "get", path: base, summary: "List the organization's API tokens", tag: "api-tokens", params: orgParams, response: z.array(tokenSchema) });
  server.get(base, async (request) => {
    const org = await requireOrganization(app, request);
    assertOrganizationSlug(org, orgParams.parse(request.params).org);
    return (await listApiTokens(app.store.db, org.id)).map(serializeToken);
  });

  describeRoute({
    method: "post",
    path: base,
    summary: "Create an API token; the response is the only time the token is shown",
    tag: "api-tokens",
    params: orgParams,
    body: createBody,
    response: tokenSchema.extend({ token: z.string() }),
    status: 201,
  });
  server.post(base, async (request, reply) => {
    const org = await requireOrganization(app, request);
    assertOrganizationSlug(org, orgParams.parse(request.params).org);
    const body = createBody.parse(request.body ?? {});
    const { id, token } = await createApiToken(app.store.db, org.id, body.name, isoNow(app.clock));
    const row = (await listApiTokens(app.store.db, org.id)).find((t) => t.id === id)!;
    return reply.code(201).send({ ...serializeToken(row), token });
  });

  describeRoute({ method: "delete", path: `${base}:tokenId/`, summary: "Revoke an API token", tag: "api-tokens", params: tokenParams, status: 204 });
  server.delete(`${base}:tokenId/`, async (request, reply) => {
    const org = await requireOrganization(app, request);
    const params = tokenParams.parse(request.params);
    assertOrganizationSlug(org, params.org);
    if (!/^\d{1,15}$/.test(params.tokenId) || !(await deleteApiToken(app.store.db, org.id, Number(params.tokenId)))) throw notFound("api_token_not_found");
    return reply.code(204).send();
  });
}
