import { createQueryStringHash, decodeSymmetric, fromMethodAndUrl, SymmetricAlgorithm } from "atlassian-jwt";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BitbucketControl } from "../../simulators/bitbucket/control.js";
import { startBitbucketSimulator } from "../../simulators/bitbucket/index.js";
import type { StartedSimulator } from "../../simulators/shared/types.js";
import { signConnectJwt } from "../../src/auth/schemes/atlassian-connect-jwt.js";
import { canonicalRequest, queryStringHash } from "../../src/auth/schemes/atlassian-qsh.js";
import { BitbucketClient } from "../../src/providers/bitbucket/client.js";
import { createHook, deleteHook, listHooks } from "../../src/providers/bitbucket/hooks.js";
import { bitbucketIssueSync } from "../../src/providers/bitbucket/issue-sync.js";
import { getIssue, searchIssues } from "../../src/providers/bitbucket/issues.js";
import { bitbucketTickets } from "../../src/providers/bitbucket/tickets.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { storeMode } from "../helpers/test-store.js";

const REPO = "acme/backend";
const ticket = (key: string, config: Record<string, unknown> = {}) => ({ integrationId: 0, organizationId: 0, externalIssueId: 0, key, config });

describe("Atlassian query string hash (contract §4.5-4.6) agrees with atlassian-jwt", () => {
  const vectors: Array<[string, string, string, string]> = [
    ["GET", "http://localhost:2990/path/to/service?zee_last=param&repeated=parameter%201&first=param&repeated=parameter%202", "GET&/path/to/service&first=param&repeated=parameter%201,parameter%202&zee_last=param", "e52bb281606c3bd9ca16cfe96fe2df78f5d9ffa126f06befd750dfa10fa1a897"],
    ["GET", "https://addon.example.com/?param=foo", "GET&/&param=foo", "557b49d80f3f963f6bec47b74d9832d8d601d6ed0979476bdb35bae4abafb0a4"],
    ["POST", "https://api.bitbucket.org/user", "POST&/user&", "18f9496a296abb418647d87857700529a1f4b2d18b4c1cfa77bbebdeeda6f068"],
    ["GET", "https://api.bitbucket.org/2.0/repositories/sentryuser/repo/issues?q=title%20~%20%22abc%22", "GET&/2.0/repositories/sentryuser/repo/issues&q=title%20~%20%22abc%22", "2718874e0b0caa466627b4e07a239f29f987054a0eabfa69f219345697a3ae00"],
  ];
  for (const [method, url, canonical, qsh] of vectors) {
    it(`hashes ${method} ${url} as "${canonical}"`, () => {
      expect(canonicalRequest(method, new URL(url))).toBe(canonical);
      expect(queryStringHash(method, new URL(url))).toBe(qsh);
      expect(createQueryStringHash(fromMethodAndUrl(method, url))).toBe(qsh);
    });
  }

  it("strips the base URL's context path (Jira under /jira)", () => {
    expect(queryStringHash("GET", new URL("https://jira.example.com/jira/rest/api/2/issue/ABC-1?expand=names,renderedFields"), "/jira")).toBe("7d7950c2d9d02f677262fe97798891e32584be1f1a3a7c313e1de4c879936524");
  });

  it("produces the contract's full HS256 token byte for byte", () => {
    const qsh = queryStringHash("GET", new URL("https://api.bitbucket.org/2.0/repositories/sentryuser/repo"));
    expect(signConnectJwt({ iss: "sentry-bitbucket", iat: 1700000000, exp: 1700000300, qsh, sub: "connection:123" }, "G12332434SDfsjkdfgsd")).toBe(
      "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJzZW50cnktYml0YnVja2V0IiwiaWF0IjoxNzAwMDAwMDAwLCJleHAiOjE3MDAwMDAzMDAsInFzaCI6IjhhMTIzY2M2NjE1Mzc1NzBiNzVjZDc5ZTdiYmI4MzZkZDVlZjZkYTAzNmYyZTZhOGE1NTQyODk0MDg0NDhhODIiLCJzdWIiOiJjb25uZWN0aW9uOjEyMyJ9.pRj-c-7sHo4mkvRKc3OG62rFgYytVTCsudc_V5H3n8o",
    );
  });

  it("matches atlassian-jwt for arbitrary paths and query parameters", () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9._~{}-]{1,8}$/);
    const param = fc.tuple(fc.string({ minLength: 1, maxLength: 6 }), fc.string({ maxLength: 6 }));
    fc.assert(
      fc.property(fc.constantFrom("GET", "POST", "PUT", "DELETE"), fc.array(segment, { maxLength: 4 }), fc.array(param, { maxLength: 5 }), (method, segments, params) => {
        const url = new URL(`https://api.bitbucket.org/${segments.join("/")}`);
        for (const [k, v] of params) if (k !== "jwt") url.searchParams.append(k, v);
        expect(queryStringHash(method, url)).toBe(createQueryStringHash(fromMethodAndUrl(method, url.toString())));
      }),
      { numRuns: 300 },
    );
  });
});

describe(`Bitbucket client over the simulator, Atlassian Connect JWT (${storeMode})`, () => {
  let sim: StartedSimulator<BitbucketControl>;
  let t: TestApp;
  let integrationId: number;
  let client: BitbucketClient;

  const apiRequests = () => sim.server.requests.filter((r) => r.path.startsWith("/2.0/"));

  beforeAll(async () => {
    sim = await startBitbucketSimulator();
    t = await startTestApp({ env: { BITBUCKET_INSTALL_KEYS_URL: sim.credentials.BITBUCKET_INSTALL_KEYS_URL as string } });
    // Installed through our own lifecycle route: the integration carries the sealed secret as in production.
    const installed = await sim.control.install({ appUrl: t.url });
    expect(installed.accepted).toBe(true);
    integrationId = (await t.app.store.db.selectFrom("integrations").select("id").where("provider", "=", "bitbucket").where("external_id", "=", installed.clientKey).executeTakeFirstOrThrow()).id;
    client = await BitbucketClient.forIntegration(t.app, integrationId);
  });

  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  it("creates, reads and searches issues with JWTs Bitbucket accepts", async () => {
    const tickets = bitbucketTickets(client);
    const created = await tickets.createTicket({ title: "KeyError in billing", description: "from Switchboard" }, { repo: REPO });
    expect(created.key).toMatch(/^acme\/backend#\d+$/);
    expect(created).toMatchObject({ title: "KeyError in billing", status: "new" });
    expect((await tickets.getTicket(created.key)).description).toBe("from Switchboard");
    expect((await tickets.searchTickets("billing", { repo: REPO }, 10)).map((x) => x.key)).toContain(created.key);
    expect((await tickets.searchTickets(`#${created.key.split("#")[1]}`, { repo: REPO }, 10)).map((x) => x.key)).toEqual([created.key]);
    await expect(tickets.getTicket("acme/backend#9999")).rejects.toMatchObject({ code: "bitbucket_not_found", kind: "not_found" });
    await expect(tickets.getTicket("not a key")).rejects.toMatchObject({ code: "bitbucket_issue_key_invalid" });
  });

  it("signs each call with iss = our app key, sub = clientKey, a 300 s lifetime and atlassian-jwt's qsh of that very request", async () => {
    await searchIssues(client, REPO, 'title ~ "billing" AND state != "closed"', 5);
    const secret = sim.credentials.BITBUCKET_SHARED_SECRET as string;
    const recorded = apiRequests().slice(-1)[0]!;
    const token = (recorded.headers.authorization as string).replace(/^JWT /, "");
    const claims = decodeSymmetric(token, secret, SymmetricAlgorithm.HS256);
    const query = new URLSearchParams(recorded.query as Record<string, string>).toString();
    expect(claims.qsh).toBe(createQueryStringHash(fromMethodAndUrl(recorded.method, `${sim.url}${recorded.path}?${query}`)));
    expect(claims).toMatchObject({ iss: `${new URL(t.app.config.publicUrl).hostname}.bitbucket`, sub: sim.credentials.BITBUCKET_CLIENT_KEY });
    expect(claims.exp - claims.iat).toBe(300);
    expect(recorded.query).not.toHaveProperty("jwt");
  });

  it("follows pages through `next` links, each page signed for its own query", async () => {
    for (let i = 0; i < 3; i++) await sim.control.createIssue(REPO, { title: `paged ${i}` }, { notify: false });
    const found = await client.collect<{ id: number }>(`/2.0/repositories/${REPO}/issues`, { q: 'title ~ "paged"' }, 3, 2);
    expect(found).toHaveLength(3);
    const pages = apiRequests().filter((r) => r.path === `/2.0/repositories/${REPO}/issues` && String(r.query.q).includes("paged"));
    expect(pages.map((r) => r.query.page ?? "1")).toEqual(["1", "2"]);
  });

  it("assigns by the person's @nickname through the workspace's members, unassigns, resolves and reopens", async () => {
    const sync = bitbucketIssueSync(client);
    const id = await sim.control.createIssue(REPO, { title: "sync me" }, { notify: false });
    const key = `${REPO}#${id}`;
    await sync.assignTicket(ticket(key), { email: "grace@example.com", name: "Grace", externalNames: ["@grace"] });
    expect((await getIssue(client, REPO, id)).assignee?.nickname).toBe("grace");
    expect(sync.echoValueFor?.({ email: "grace@example.com", name: "Grace", externalNames: ["@grace"] })).toBe("@grace");
    await sync.assignTicket(ticket(key), null);
    expect((await getIssue(client, REPO, id)).assignee ?? null).toBeNull();
    await expect(sync.assignTicket(ticket(key), { email: "x@example.com", name: "X", externalNames: [] })).rejects.toMatchObject({ code: "bitbucket_account_unknown" });
    await expect(sync.assignTicket(ticket(key), { email: "x@example.com", name: "X", externalNames: ["@stranger"] })).rejects.toMatchObject({ code: "bitbucket_account_not_member" });
    await sync.setTicketResolved(ticket(key), true);
    expect(sim.control.issue(REPO, id).state).toBe("resolved");
    const puts = apiRequests().filter((r) => r.method === "PUT").length;
    await sync.setTicketResolved(ticket(key), true);
    expect(apiRequests().filter((r) => r.method === "PUT").length).toBe(puts);
    await sync.setTicketResolved(ticket(key, { unresolve_status: "open" }), false);
    expect(sim.control.issue(REPO, id).state).toBe("open");
  });

  it("creates, lists and deletes repository hooks", async () => {
    const hook = await createHook(client, REPO, { url: `${t.url}/extensions/bitbucket/organizations/1/webhook/`, description: "Switchboard" });
    expect(hook.uuid).toMatch(/^\{.+\}$/);
    expect((await listHooks(client, REPO)).map((h) => h.uuid)).toContain(hook.uuid);
    await deleteHook(client, REPO, hook.uuid);
    expect((await listHooks(client, REPO)).map((h) => h.uuid)).not.toContain(hook.uuid);
  });

  it("is refused with a wrong shared secret: a typed error naming no token, after one retry with the re-read secret", async () => {
    const row = await t.app.store.db.selectFrom("integrations").select("metadata").where("id", "=", integrationId).executeTakeFirstOrThrow();
    const metadata = JSON.parse(row.metadata) as Record<string, unknown>;
    await t.app.store.db.updateTable("integrations").set({ metadata: JSON.stringify({ ...metadata, shared_secret: t.app.vault.seal("not-the-secret") }) }).where("id", "=", integrationId).execute();
    try {
      const wrong = await BitbucketClient.forIntegration(t.app, integrationId);
      const before = apiRequests().length;
      const error = (await getIssue(wrong, REPO, 1).then(
        () => new Error("accepted"),
        (e: unknown) => e as Error,
      )) as Error & { code?: string };
      expect(error).toMatchObject({ code: "bitbucket_unauthorized" });
      expect(error.message).not.toMatch(/eyJ/);
      const attempts = apiRequests().slice(before);
      expect(attempts).toHaveLength(2);
    } finally {
      await t.app.store.db.updateTable("integrations").set({ metadata: row.metadata }).where("id", "=", integrationId).execute();
    }
    expect((await getIssue(await BitbucketClient.forIntegration(t.app, integrationId), REPO, 1)).id).toBe(1);
  });

  it("never writes the shared secret or a token to a log line", () => {
    const logs = t.logs.join("\n");
    expect(logs).not.toContain(sim.credentials.BITBUCKET_SHARED_SECRET as string);
    expect(logs).not.toMatch(/JWT eyJ/);
  });
});
