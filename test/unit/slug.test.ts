import { describe, expect, it } from "vitest";
import { chooseSlug, RESERVED_PROJECT_SLUGS, SLUG_SUFFIX_ALPHABET, slugify } from "../../src/domain/slug.js";

describe("slugs (§11.1, D12)", () => {
  it("slugifies like Django: ASCII-folded, lowercase, hyphenated", () => {
    expect(slugify("My Project")).toBe("my-project");
    expect(slugify("  Café  Déjà-vu!! ")).toBe("cafe-deja-vu");
    expect(slugify("a  --  b")).toBe("a-b");
  });

  it("keeps the slug free when nothing uses it", async () => {
    expect(await chooseSlug("Web App", async () => false)).toBe("web-app");
  });

  it("replaces a reserved or empty slug with 12 random hex characters", async () => {
    expect(RESERVED_PROJECT_SLUGS.has("settings")).toBe(true);
    expect(await chooseSlug("Settings", async () => false)).toMatch(/^[0-9a-f]{12}$/);
    expect(await chooseSlug("!!!", async () => false)).toMatch(/^[0-9a-f]{12}$/);
  });

  it("truncates to 50 characters", async () => {
    expect((await chooseSlug("x".repeat(80), async () => false)).length).toBe(50);
  });

  it("adds a random a-z0-9 suffix on collision, first of length 2, keeping 50 characters", async () => {
    const slug = await chooseSlug("y".repeat(60), async (s) => s === "y".repeat(50));
    expect(slug).toMatch(/^y{47}-[a-z0-9]{2}$/);
    expect(slug.length).toBe(50);
  });

  it("walks the schedule 2x2, 5x3, 20x5, 1x12 and returns the last candidate when all collide", async () => {
    const tried: string[] = [];
    const slug = await chooseSlug("api", async (s) => (tried.push(s), true));
    const suffixLengths = tried.slice(1).map((s) => s.split("-").pop()!.length);
    expect(suffixLengths).toEqual([2, 2, 3, 3, 3, 3, 3, ...Array(20).fill(5), 12]);
    expect(slug).toBe(tried[tried.length - 1]);
  });

  it("uses the whole a-z0-9 alphabet, 8 included (D12)", () => {
    expect(SLUG_SUFFIX_ALPHABET).toBe("abcdefghijklmnopqrstuvwxyz0123456789");
  });
});
