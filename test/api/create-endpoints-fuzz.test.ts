import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, organizationWithToken } from "../helpers/api-client.js";
import { createGroup } from "../helpers/fixtures.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";

let t: TestApp;
let call: ReturnType<typeof apiClient>;
let issueId = 0;

beforeAll(async () => {
  t = await startTestApp();
  call = apiClient(t.url, (await organizationWithToken(t.app, "acme")).token);
  await call("POST", "/api/0/organizations/acme/teams/", { name: "Core" });
  const project = (await call("POST", "/api/0/teams/acme/core/projects/", { name: "Web" })).body;
  issueId = (await createGroup(t.app.store.db, Number(project.id))).id;
});
afterAll(async () => t?.close());

const fieldValue = fc.oneof(fc.jsonValue(), fc.string(), fc.constantFrom("", " ", "settings", "a".repeat(60), "x@example.com", "resolved", "123", "a\u0000b", "\u0000@example.com"));
/** Bodies with the endpoints' own field names (so the validators are reached) and anything else. */
const body = fc.oneof(
  fc.jsonValue(),
  fc.dictionary(fc.constantFrom("name", "slug", "platform", "email", "role", "status", "features", "assignedTo", "x"), fieldValue),
  fc.record({ features: fc.dictionary(fc.constantFrom("integrations-issue-sync", "integrations-codeowners", "nope"), fc.jsonValue()) }),
);

describe("create and update endpoints under random JSON", () => {
  it("never answer 5xx, and answer 4xx with a JSON object", async () => {
    const endpoints: [string, string][] = [
      ["POST", "/api/0/organizations/acme/members/"],
      ["POST", "/api/0/organizations/acme/teams/"],
      ["POST", "/api/0/teams/acme/core/projects/"],
      ["POST", "/api/0/projects/acme/web/keys/"],
      ["PUT", "/api/0/organizations/acme/"],
      ["PUT", `/api/0/organizations/acme/issues/${issueId}/`],
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...endpoints), body, async ([method, path], payload) => {
        // A valid new slug would rename the organization and turn every later path into a 404.
        if (method === "PUT" && path === "/api/0/organizations/acme/" && payload && typeof payload === "object" && "slug" in payload) return;
        const res = await call(method, path, payload);
        expect(res.status, JSON.stringify({ path, payload, body: res.body })).toBeLessThan(500);
        if (res.status >= 400) expect(typeof res.body).toBe("object");
      }),
      { numRuns: 150 },
    );
  });
});

describe("NUL characters (PostgreSQL cannot store them)", () => {
  it("answer 400 in bodies and queries and 404 in paths, never 500", async () => {
    const bad = "a\u0000b";
    expect((await call("POST", "/api/0/teams/acme/core/projects/", { name: bad })).body.name).toEqual(["Null characters are not allowed."]);
    expect((await call("POST", "/api/0/organizations/acme/members/", { email: "n@example.com", name: bad })).status).toBe(400);
    expect((await call("POST", "/api/0/organizations/acme/teams/", { name: bad })).status).toBe(400);
    expect((await call("POST", "/api/0/projects/acme/web/keys/", { name: bad })).status).toBe(400);
    expect((await call("PUT", "/api/0/organizations/acme/", { name: bad })).status).toBe(400);
    expect((await call("PUT", `/api/0/issues/${issueId}/`, { assignedTo: bad })).status).toBe(400);
    expect((await call("GET", "/api/0/organizations/acme/issues/?query=a%00b")).status).toBe(400);
    expect((await call("GET", "/api/0/projects/acme/a%00b/")).status).toBe(404);
    expect((await call("GET", "/api/0/teams/acme/a%00b/")).status).toBe(404);
  });
});
