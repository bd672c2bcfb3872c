import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";

describe("configuration", () => {
  it("defaults to the embedded store on port 9000", () => {
    const config = loadConfig({});
    expect(config.port).toBe(9000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.publicUrl).toBe("http://localhost:9000");
    expect(config.dataDir.endsWith("/data")).toBe(true);
  });

  it("reads the environment and lets flags override it", () => {
    const config = loadConfig(
      { PORT: "8000", SWITCHBOARD_URL: "https://sb.example.com/", DATABASE_URL: "postgres://x/y", REDIS_URL: "redis://r" },
      { port: "8100" },
    );
    expect(config.port).toBe(8100);
    expect(config.publicUrl).toBe("https://sb.example.com");
    expect(config.databaseUrl).toBe("postgres://x/y");
    expect(config.redisUrl).toBe("redis://r");
  });

  it("treats empty variables as unset", () => {
    expect(loadConfig({ DATABASE_URL: "", REDIS_URL: " " }).databaseUrl).toBeUndefined();
  });

  it("names the setting that is invalid", () => {
    expect(() => loadConfig({ PORT: "70000" })).toThrow(/port/);
    expect(() => loadConfig({ LOG_LEVEL: "loud" })).toThrow(/logLevel/);
  });
});
