import { describe, expect, it } from "vitest";
import { RESERVED_PROJECT_SLUGS, validateExplicitSlug } from "../../src/domain/slug.js";

describe("explicit slugs", () => {
  it("accepts lowercase letters, digits, underscores and hyphens", () => {
    expect(validateExplicitSlug("web_app-2", 50, RESERVED_PROJECT_SLUGS)).toBeNull();
  });

  it("refuses blank, too long, entirely numeric, uppercase and reserved slugs with Sentry's messages", () => {
    expect(validateExplicitSlug("", 50)).toBe("This field may not be blank.");
    expect(validateExplicitSlug("a".repeat(51), 50)).toBe("Ensure this field has no more than 50 characters.");
    expect(validateExplicitSlug("123", 50)).toContain("It cannot be entirely numeric");
    expect(validateExplicitSlug("Web", 50)).toContain("Enter a valid slug");
    expect(validateExplicitSlug("a b", 50)).toContain("Enter a valid slug");
    expect(validateExplicitSlug("settings", 50, RESERVED_PROJECT_SLUGS)).toBe('The slug "settings" is reserved and not allowed.');
  });
});
