import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

describe("OpenAPI document", () => {
  it("describes every tracker route, with bodies and parameters from the routes' zod schemas", async () => {
    const res = await fetch(`${t.url}/api/0/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown> } }> }; parameters: { name: string; in: string }[] }>> };
    expect(doc.openapi).toBe("3.1.0");
    const expected: [string, string][] = [
      ["/api/0/organizations/", "get"],
      ["/api/0/organizations/{org}/", "put"],
      ["/api/0/organizations/{org}/members/", "post"],
      ["/api/0/organizations/{org}/members/{memberId}/", "delete"],
      ["/api/0/organizations/{org}/members/{memberId}/teams/{team}/", "post"],
      ["/api/0/organizations/{org}/teams/", "post"],
      ["/api/0/teams/{org}/{team}/", "delete"],
      ["/api/0/teams/{org}/{team}/members/", "get"],
      ["/api/0/teams/{org}/{team}/projects/", "post"],
      ["/api/0/organizations/{org}/projects/", "get"],
      ["/api/0/projects/{org}/{project}/", "delete"],
      ["/api/0/projects/{org}/{project}/keys/", "post"],
      ["/api/0/organizations/{org}/issues/", "get"],
      ["/api/0/projects/{org}/{project}/issues/", "get"],
      ["/api/0/organizations/{org}/issues/{id}/", "put"],
      ["/api/0/issues/{id}/", "put"],
    ];
    for (const [path, method] of expected) expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    const create = doc.paths["/api/0/teams/{org}/{team}/projects/"]!.post!;
    expect(Object.keys(create.requestBody!.content["application/json"]!.schema.properties)).toEqual(["name", "slug", "platform"]);
    const list = doc.paths["/api/0/organizations/{org}/issues/"]!.get!;
    expect(list.parameters.filter((p) => p.in === "query").map((p) => p.name)).toEqual(["query", "status", "cursor", "limit"]);
  });
});
