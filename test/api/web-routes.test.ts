import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { storeMode } from "../helpers/test-store.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever JSON the API answered
const json = async (res: Response): Promise<any> => res.json();

describe(`dashboard assets served by the service itself (${storeMode})`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t?.close();
  });

  it("answers every client route with the shell page under a strict content security policy", async () => {
    for (const path of ["/", "/login", "/issues", "/issues/12", "/deliveries/r4", "/settings", "/integrations", "/alerts"]) {
      const res = await fetch(`${t.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/html");
      expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
      expect(res.headers.get("content-security-policy")).not.toContain("unsafe-inline");
      const html = await res.text();
      expect(html).toContain('<script type="module" src="/assets/app.js">');
      // Nothing is loaded from another origin: the dashboard works offline.
      expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    }
  });

  it("serves the bundled script and stylesheet with validators (304 when unchanged)", async () => {
    for (const [path, type] of [["/assets/app.js", "text/javascript"], ["/assets/app.css", "text/css"]] as const) {
      const res = await fetch(`${t.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain(type);
      const body = await res.text();
      expect(body.length).toBeGreaterThan(1000);
      expect(body).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
      const again = await fetch(`${t.url}${path}`, { headers: { "if-none-match": res.headers.get("etag")! } });
      expect(again.status).toBe(304);
    }
  });

  it("leaves unknown paths to the API's JSON 404", async () => {
    const res = await fetch(`${t.url}/nothing-here`);
    expect(res.status).toBe(404);
    expect((await json(res)).code).toBe("not_found");
  });
});
