import { createHash } from "node:crypto";
import { createCanonicalRequest, createQueryStringHash, fromMethodAndUrl } from "atlassian-jwt";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { signHs256 } from "../../../simulators/bitbucket/jwt.js";
import { canonicalRequest, queryStringHash } from "../../../simulators/bitbucket/qsh.js";

/** §4.6 vectors: method, URL, product base URL, canonical request, qsh. */
const VECTORS: Array<[string, string, string, string, string]> = [
  [
    "GET",
    "http://localhost:2990/path/to/service?zee_last=param&repeated=parameter%201&first=param&repeated=parameter%202",
    "http://localhost:2990",
    "GET&/path/to/service&first=param&repeated=parameter%201,parameter%202&zee_last=param",
    "e52bb281606c3bd9ca16cfe96fe2df78f5d9ffa126f06befd750dfa10fa1a897",
  ],
  ["GET", "https://addon.example.com/?param=foo", "https://addon.example.com", "GET&/&param=foo", "557b49d80f3f963f6bec47b74d9832d8d601d6ed0979476bdb35bae4abafb0a4"],
  ["POST", "https://api.bitbucket.org/user", "https://api.bitbucket.org", "POST&/user&", "18f9496a296abb418647d87857700529a1f4b2d18b4c1cfa77bbebdeeda6f068"],
  ["POST", "https://example.com/installed", "https://example.com", "POST&/installed&", "4a2e1de8ca74e6cafe8862d332fa3ac7a8e51e692bc6d798ea4dfedc14948bf4"],
  [
    "GET",
    "https://api.bitbucket.org/2.0/repositories/sentryuser/repo/issues?q=title%20~%20%22abc%22",
    "https://api.bitbucket.org",
    "GET&/2.0/repositories/sentryuser/repo/issues&q=title%20~%20%22abc%22",
    "2718874e0b0caa466627b4e07a239f29f987054a0eabfa69f219345697a3ae00",
  ],
  [
    "GET",
    "https://jira.example.com/jira/rest/api/2/issue/ABC-1?expand=names,renderedFields",
    "https://jira.example.com/jira",
    "GET&/rest/api/2/issue/ABC-1&expand=names%2CrenderedFields",
    "7d7950c2d9d02f677262fe97798891e32584be1f1a3a7c313e1de4c879936524",
  ],
];

describe("qsh (provider-contracts §4.5, §4.6)", () => {
  it.each(VECTORS)("computes the documented canonical request and qsh for %s %s (§4.6)", (method, url, baseUrl, canonical, qsh) => {
    const parsed = new URL(url);
    const contextPath = new URL(baseUrl).pathname;
    expect(canonicalRequest(method, parsed.pathname, parsed.searchParams, contextPath)).toBe(canonical);
    expect(queryStringHash(method, parsed.pathname, parsed.searchParams, contextPath)).toBe(qsh);
  });

  it("hashes with SHA-256 as Atlassian's own example shows (§4.6 sanity)", () => {
    expect(createHash("sha256").update("foo").digest("hex")).toBe("2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae");
  });

  it("reproduces the §4.6 HS256 token byte for byte", () => {
    const qsh = queryStringHash("GET", "/2.0/repositories/sentryuser/repo", new URLSearchParams());
    const token = signHs256({ iss: "sentry-bitbucket", iat: 1700000000, exp: 1700000300, qsh, sub: "connection:123" }, "G12332434SDfsjkdfgsd");
    expect(token).toBe(
      "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJzZW50cnktYml0YnVja2V0IiwiaWF0IjoxNzAwMDAwMDAwLCJleHAiOjE3MDAwMDAzMDAsInFzaCI6IjhhMTIzY2M2NjE1Mzc1NzBiNzVjZDc5ZTdiYmI4MzZkZDVlZjZkYTAzNmYyZTZhOGE1NTQyODk0MDg0NDhhODIiLCJzdWIiOiJjb25uZWN0aW9uOjEyMyJ9.pRj-c-7sHo4mkvRKc3OG62rFgYytVTCsudc_V5H3n8o",
    );
  });

  it("agrees with atlassian-jwt on arbitrary paths and query strings (§4.5)", () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9._~-]{1,8}$/);
    const text = fc.string({ maxLength: 8 });
    fc.assert(
      fc.property(fc.constantFrom("GET", "POST", "PUT", "DELETE"), fc.array(segment, { maxLength: 4 }), fc.array(fc.tuple(segment, text), { maxLength: 5 }), fc.boolean(), (method, segments, params, trailing) => {
        const query = new URLSearchParams(params);
        const path = `/${segments.join("/")}${trailing && segments.length ? "/" : ""}`;
        const url = `https://api.bitbucket.org${path}${params.length ? `?${query.toString()}` : ""}`;
        const theirs = fromMethodAndUrl(method, url);
        expect(canonicalRequest(method, path, new URL(url).searchParams)).toBe(createCanonicalRequest(theirs));
        expect(queryStringHash(method, path, new URL(url).searchParams)).toBe(createQueryStringHash(theirs));
      }),
      { numRuns: 300 },
    );
  });
});
