import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatSimulatorTable, SIMULATOR_PROVIDERS, startSimulators } from "../../simulators/index.js";
import type { StartedSimulator } from "../../simulators/shared/types.js";

describe("simulators aggregator (switchboard simulate)", () => {
  let started: Array<StartedSimulator<unknown>>;

  beforeAll(async () => {
    started = await startSimulators({ providers: ["bitbucket", "opsgenie"], webhookBaseUrl: "http://127.0.0.1:9/" });
  });
  afterAll(() => Promise.all(started.map((s) => s.stop())));

  it("knows all five providers by name", () => {
    expect(SIMULATOR_PROVIDERS).toEqual(["github", "azure-devops", "jira-server", "bitbucket", "opsgenie"]);
  });

  it("starts only the chosen providers, each answering on its base URL", async () => {
    expect(started.map((s) => s.provider)).toEqual(["bitbucket", "opsgenie"]);
    for (const sim of started) {
      expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${sim.url}/_sim/requests`)).status).toBe(200);
    }
    const opsgenie = started[1] as StartedSimulator<unknown>;
    const response = await fetch(`${opsgenie.credentials.OPSGENIE_API_URL}v2/alerts`, {
      method: "POST",
      headers: { authorization: `GenieKey ${opsgenie.credentials.OPSGENIE_INTEGRATION_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ message: "from the aggregator test" }),
    });
    expect(response.status).toBe(202);
  });

  it("points Bitbucket's install at Switchboard's URL (webhookBaseUrl)", async () => {
    const bitbucket = started[0] as StartedSimulator<unknown>;
    const response = await fetch(`${bitbucket.url}/_sim/install`, { method: "POST", body: "{}" });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toContain("http://127.0.0.1:9/extensions/bitbucket/descriptor/");
  });

  it("refuses an unknown provider, naming the available ones", async () => {
    await expect(startSimulators({ providers: ["nope"] })).rejects.toThrow("No simulator for nope; available: github, azure-devops, jira-server, bitbucket, opsgenie");
  });

  it("uses consecutive ports from basePort", async () => {
    const probe = await startSimulators({ providers: ["opsgenie"] });
    const free = Number(new URL(probe[0]?.url ?? "").port);
    await Promise.all(probe.map((s) => s.stop()));
    const pair = await startSimulators({ providers: ["opsgenie", "bitbucket"], basePort: free });
    try {
      expect(pair.map((s) => Number(new URL(s.url).port))).toEqual([free, free + 1]);
    } finally {
      await Promise.all(pair.map((s) => s.stop()));
    }
  });

  it("prints a table of provider, base URL and each setting, with PEMs written to files", () => {
    const pemDir = mkdtempSync(join(tmpdir(), "sim-table-"));
    const fake = { provider: "fake", url: "http://127.0.0.1:1", credentials: { FAKE_KEY: "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n", FAKE_ID: "42" } } as unknown as StartedSimulator<unknown>;
    const table = formatSimulatorTable([...started, fake], { pemDir });
    const lines = table.split("\n");
    expect(lines[0]).toMatch(/^PROVIDER\s+BASE URL\s+SETTING\s+VALUE$/);
    expect(lines[1]).toMatch(/^-+\s+-+\s+-+\s+-+$/);
    const bitbucket = started[0] as StartedSimulator<unknown>;
    expect(table).toContain(`bitbucket  ${bitbucket.url}`);
    expect(table).toMatch(/BITBUCKET_INSTALL_KEYS_URL\s+http:\/\/127\.0\.0\.1:\d+\/install-keys\//);
    expect(table).toMatch(/OPSGENIE_INTEGRATION_KEY\s+[0-9a-f-]{36}/);
    expect(table).not.toContain("BEGIN PRIVATE KEY");
    const file = join(pemDir, "fake-fake-key.pem");
    expect(table).toContain(file);
    expect(readFileSync(file, "utf8")).toContain("BEGIN PRIVATE KEY");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // Every row's columns line up under the header.
    const valueColumn = (lines[0] as string).indexOf("VALUE");
    for (const line of lines.slice(2)) expect(line.length).toBeGreaterThan(valueColumn);
  });
});
