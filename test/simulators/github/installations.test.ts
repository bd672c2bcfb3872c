import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, goodJwt, signJwt, startSim, type GithubSim } from "./helpers.js";

const REQUIRED_INSTALLATION_FIELDS = [
  "id", "app_id", "app_slug", "target_id", "target_type", "single_file_name", "repository_selection",
  "access_tokens_url", "html_url", "repositories_url", "events", "account", "permissions", "created_at",
  "updated_at", "suspended_by", "suspended_at",
];

describe("GitHub simulator: installations and installation tokens (§1.2, §1.3)", () => {
  let sim: GithubSim;
  let acme: number;
  const jwt = () => goodJwt(sim);
  const mint = async (installationId: number, body?: unknown) => api(sim, "POST", `/app/installations/${installationId}/access_tokens`, jwt(), body);

  beforeAll(async () => {
    sim = await startSim();
    acme = await sim.control.createInstallation({ account: "acme", repositories: ["web", "api"], notify: false });
  });
  afterAll(() => sim.stop());

  it("answers 201 with a ghs_ token expiring one hour ahead at second precision, and the installation's permissions (§1.2)", async () => {
    const response = await mint(acme);
    expect(response.status).toBe(201);
    expect(response.json.token).toMatch(/^ghs_[A-Za-z0-9]{36}$/);
    expect(response.json.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Math.abs(Date.parse(response.json.expires_at as string) - Date.now() - 3600_000)).toBeLessThan(2000);
    expect(response.json.permissions).toEqual({ issues: "write", metadata: "read", contents: "read", pull_requests: "read" });
    expect(response.json.repository_selection).toBe("selected");
    expect(response.json).not.toHaveProperty("repositories");
  });

  it("mints tokens with the configured lifetime, measured on its clock (§1.2)", async () => {
    sim.control.setTokenLifetime(120);
    sim.server.clock.advance(3600_000);
    try {
      // A client that has corrected its skew signs with the simulator's time.
      const simNow = Math.floor(sim.server.clock.now() / 1000);
      const jwtOnSimClock = signJwt(sim.credentials.GITHUB_APP_PRIVATE_KEY!, { iat: simNow - 30, exp: simNow + 570, iss: Number(sim.credentials.GITHUB_APP_ID) });
      const response = await api(sim, "POST", `/app/installations/${acme}/access_tokens`, jwtOnSimClock);
      expect(response.status).toBe(201);
      expect(Math.abs(Date.parse(response.json.expires_at as string) - sim.server.clock.now() - 120_000)).toBeLessThan(2000);
    } finally {
      sim.control.setTokenLifetime(3600);
      sim.server.clock.reset();
    }
  });

  it("refuses an expired or revoked installation token with 401 Bad credentials (§1.2, §1.4)", async () => {
    const token = (await mint(acme)).json.token as string;
    expect((await api(sim, "GET", "/repos/acme/web", token)).status).toBe(200);
    sim.server.clock.advance(3601_000);
    try {
      const expired = await api(sim, "GET", "/repos/acme/web", token);
      expect(expired.status).toBe(401);
      expect(expired.json).toEqual({ message: "Bad credentials", documentation_url: "https://docs.github.com/rest", status: "401" });
    } finally {
      sim.server.clock.reset();
    }
    expect((await api(sim, "GET", "/repos/acme/web", token)).status).toBe(200);
    expect(sim.control.revokeTokens(acme)).toBeGreaterThan(0);
    const revoked = await api(sim, "GET", "/repos/acme/web", token);
    expect(revoked.status).toBe(401);
    expect(revoked.json.message).toBe("Bad credentials");
  });

  it("refuses the app JWT on repository routes, as GitHub does (§1.1)", async () => {
    for (const path of ["/repos/acme/web", "/repos/acme/web/issues/1", "/search/issues?q=repo:acme/web"]) {
      const response = await api(sim, "GET", path, jwt());
      expect(response.status, path).toBe(401);
      expect(response.json.message).toBe("Bad credentials");
    }
  });

  it("answers 404 for an installation that does not exist (§1.2, §1.3)", async () => {
    for (const response of [await mint(99), await api(sim, "GET", "/app/installations/99", jwt()), await api(sim, "GET", "/app/installations/abc", jwt())]) {
      expect(response.status).toBe(404);
      expect(response.json.message).toBe("Not Found");
    }
  });

  it("shows the installation with every required field of the spec (§1.3)", async () => {
    const response = await api(sim, "GET", `/app/installations/${acme}`, jwt());
    expect(response.status).toBe(200);
    for (const field of REQUIRED_INSTALLATION_FIELDS) expect(response.json, field).toHaveProperty(field);
    expect(response.json).toMatchObject({
      id: acme,
      app_id: Number(sim.credentials.GITHUB_APP_ID),
      app_slug: sim.credentials.GITHUB_APP_SLUG,
      target_type: "Organization",
      account: { login: "acme", type: "Organization" },
      access_tokens_url: `${sim.url}/app/installations/${acme}/access_tokens`,
      suspended_at: null,
    });
    expect(response.json.created_at).toMatch(/Z$/);
    const list = await api(sim, "GET", "/app/installations", jwt());
    expect((list.json as unknown as Array<{ id: number }>).map((i) => i.id)).toContain(acme);
    const byRepo = await api(sim, "GET", "/repos/acme/web/installation", jwt());
    expect(byRepo.json.id).toBe(acme);
  });

  it("narrows a token to named repositories and to a subset of permissions (§1.2)", async () => {
    const response = await mint(acme, { repositories: ["web"], permissions: { issues: "read" } });
    expect(response.status).toBe(201);
    expect(response.json.repository_selection).toBe("selected");
    expect((response.json.repositories as Array<{ full_name: string }>).map((r) => r.full_name)).toEqual(["acme/web"]);
    expect(response.json.permissions).toEqual({ issues: "read" });
    const token = response.json.token as string;
    expect((await api(sim, "GET", "/repos/acme/web", token)).status).toBe(200);
    expect((await api(sim, "GET", "/repos/acme/api", token)).status).toBe(404);
    sim.control.createIssue("acme/web", "Crash");
    const write = await api(sim, "PATCH", "/repos/acme/web/issues/1", token, { state: "closed" });
    expect(write.status).toBe(403);
    expect(write.json.message).toBe("Resource not accessible by integration");
  });

  it("answers 422 for repositories outside the installation or permissions it was not granted (§1.2)", async () => {
    const repos = await mint(acme, { repositories: ["web", "elsewhere"] });
    expect(repos.status).toBe(422);
    expect(repos.json.message).toBe("There is at least one repository that does not exist or is not accessible to the parent installation.");
    const perms = await mint(acme, { permissions: { administration: "write" } });
    expect(perms.status).toBe(422);
    const upgrade = await mint(acme, { permissions: { contents: "write" } });
    expect(upgrade.status).toBe(422);
    expect((await mint(acme, "{not json")).status).toBe(400);
  });

  it("refuses tokens for a suspended installation and honours its earlier tokens again once unsuspended (§1.2)", async () => {
    const token = (await mint(acme)).json.token as string;
    await sim.control.suspendInstallation(acme);
    try {
      const refused = await mint(acme);
      expect(refused.status).toBe(403);
      expect(refused.json.message).toBe("This installation has been suspended");
      expect((await api(sim, "GET", "/repos/acme/web", token)).status).toBe(403);
      expect((await api(sim, "GET", `/app/installations/${acme}`, jwt())).json.suspended_at).toMatch(/Z$/);
    } finally {
      await sim.control.suspendInstallation(acme, false);
    }
    expect((await api(sim, "GET", "/repos/acme/web", token)).status).toBe(200);
  });

  it("forgets a deleted installation: 404 and its tokens refused (§1.2, §1.3)", async () => {
    const gone = await sim.control.createInstallation({ account: "gone", repositories: ["site"], notify: false });
    const token = (await mint(gone)).json.token as string;
    expect((await api(sim, "DELETE", `/app/installations/${gone}`, jwt())).status).toBe(204);
    expect((await api(sim, "GET", `/app/installations/${gone}`, jwt())).status).toBe(404);
    expect((await mint(gone)).status).toBe(404);
    expect((await api(sim, "GET", "/repos/gone/site", token)).status).toBe(401);
  });

  it("can issue stateless ghs_<APPID>_<JWT> tokens, which work like classic ones (§1.2)", async () => {
    sim.control.setTokenFormat("stateless");
    try {
      const token = (await mint(acme)).json.token as string;
      expect(token.startsWith(`ghs_${sim.credentials.GITHUB_APP_ID}_`)).toBe(true);
      expect(token.split(".")).toHaveLength(3);
      expect(token.length).toBeGreaterThan(40);
      expect((await api(sim, "GET", "/repos/acme/web", token)).status).toBe(200);
    } finally {
      sim.control.setTokenFormat("classic");
    }
  });

  it("can make fresh tokens briefly unknown, as replication lag does (§1.2)", async () => {
    sim.control.setTokenReplicationDelay(5);
    try {
      const token = (await mint(acme)).json.token as string;
      expect((await api(sim, "GET", "/repos/acme/web", token)).status).toBe(401);
      sim.server.clock.advance(6_000);
      expect((await api(sim, "GET", "/repos/acme/web", token)).status).toBe(200);
    } finally {
      sim.control.setTokenReplicationDelay(0);
      sim.server.clock.reset();
    }
  });

  it("counts minted tokens and lists the token's repositories (§1.2)", async () => {
    const before = sim.control.tokensIssued();
    const token = (await mint(acme)).json.token as string;
    expect(sim.control.tokensIssued()).toBe(before + 1);
    const listed = await api(sim, "GET", "/installation/repositories", token);
    expect(listed.json.total_count).toBe(2);
    expect((listed.json.repositories as Array<{ full_name: string }>).map((r) => r.full_name).sort()).toEqual(["acme/api", "acme/web"]);
  });
});
