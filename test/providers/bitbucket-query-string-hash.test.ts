import { describe, expect, it } from "vitest";
import { canonicalRequest, queryStringHash } from "../../src/providers/bitbucket/query-string-hash.js";

// provider-contracts §4.6: vectors computed with atlassian-jwt@2.0.3 (the first three are Atlassian's documented examples).
const vectors: Array<[string, string, string, string, string]> = [
  ["GET", "http://localhost:2990/path/to/service?zee_last=param&repeated=parameter%201&first=param&repeated=parameter%202", "", "GET&/path/to/service&first=param&repeated=parameter%201,parameter%202&zee_last=param", "e52bb281606c3bd9ca16cfe96fe2df78f5d9ffa126f06befd750dfa10fa1a897"],
  ["GET", "https://addon.example.com/?param=foo", "", "GET&/&param=foo", "557b49d80f3f963f6bec47b74d9832d8d601d6ed0979476bdb35bae4abafb0a4"],
  ["POST", "https://api.bitbucket.org/user", "", "POST&/user&", "18f9496a296abb418647d87857700529a1f4b2d18b4c1cfa77bbebdeeda6f068"],
  ["POST", "https://example.com/installed", "", "POST&/installed&", "4a2e1de8ca74e6cafe8862d332fa3ac7a8e51e692bc6d798ea4dfedc14948bf4"],
  ["GET", "https://api.bitbucket.org/2.0/repositories/sentryuser/repo/issues?q=title%20~%20%22abc%22", "", "GET&/2.0/repositories/sentryuser/repo/issues&q=title%20~%20%22abc%22", "2718874e0b0caa466627b4e07a239f29f987054a0eabfa69f219345697a3ae00"],
  ["GET", "https://jira.example.com/jira/rest/api/2/issue/ABC-1?expand=names,renderedFields", "/jira", "GET&/rest/api/2/issue/ABC-1&expand=names%2CrenderedFields", "7d7950c2d9d02f677262fe97798891e32584be1f1a3a7c313e1de4c879936524"],
];

describe("Atlassian Connect query string hash (provider-contracts §4.5, §4.6)", () => {
  for (const [method, url, contextPath, canonical, qsh] of vectors) {
    it(`hashes ${method} ${url} to the atlassian-jwt value`, () => {
      const parsed = new URL(url);
      expect(canonicalRequest(method, parsed.pathname, parsed.searchParams, contextPath)).toBe(canonical);
      expect(queryStringHash(method, parsed.pathname, parsed.searchParams, contextPath)).toBe(qsh);
    });
  }

  it("ignores the jwt parameter and a trailing slash", () => {
    expect(canonicalRequest("post", "/extensions/bitbucket/installed/", new URLSearchParams("jwt=abc"))).toBe("POST&/extensions/bitbucket/installed&");
  });
});
