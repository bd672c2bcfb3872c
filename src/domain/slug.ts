import { randomInt } from "node:crypto";

/** Project slugs Sentry reserves (§11.1, with `$all` from later versions). */
export const RESERVED_PROJECT_SLUGS = new Set([
  "api-keys", "audit-log", "auth", "members", "projects", "rate-limits", "repos", "settings", "teams", "billing",
  "payments", "legal", "subscription", "support", "integrations", "developer-settings", "usage", "$all",
]);

/** D12: the suffix alphabet is a-z0-9 (Sentry's has a typo without 8). */
export const SLUG_SUFFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** §11.1's suffix schedule: 2 tries of length 2, 5 of 3, 20 of 5, 1 of 12. */
export const SLUG_SUFFIX_SIZES = [2, 2, 3, 3, 3, 3, 3, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 12];

/** Django's `slugify`: ASCII-fold, drop what is not a word character, space or hyphen, lowercase, hyphenate. */
export function slugify(label: string): string {
  return label
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Za-z0-9_\s-]/g, "")
    .trim()
    .toLowerCase()
    .replace(/[-\s]+/g, "-")
    .replace(/^[-_]+|[-_]+$/g, "");
}

function randomSuffix(size: number): string {
  let out = "";
  for (let i = 0; i < size; i++) out += SLUG_SUFFIX_ALPHABET[randomInt(SLUG_SUFFIX_ALPHABET.length)];
  return out;
}

function randomHex(size: number): string {
  let out = "";
  for (let i = 0; i < size; i++) out += "0123456789abcdef"[randomInt(16)];
  return out;
}

/**
 * `slugify_instance`: the base slug (max length, reserved or empty -> 12 random hex characters), then
 * suffixed candidates while `taken` (case-insensitive) says the slug is used. Returns the last
 * candidate when all collide, as Sentry does (the store's unique index then refuses it).
 */
export async function chooseSlug(label: string, taken: (slug: string) => Promise<boolean>, maxLength = 50, reserved = RESERVED_PROJECT_SLUGS): Promise<string> {
  let base = slugify(label).slice(0, maxLength).replace(/-+$/, "");
  if (!base || reserved.has(base)) base = randomHex(12);
  if (!(await taken(base))) return base;
  let candidate = base;
  for (const size of SLUG_SUFFIX_SIZES) {
    candidate = `${base.slice(0, maxLength - size - 1).replace(/-+$/, "")}-${randomSuffix(size)}`;
    if (!(await taken(candidate))) return candidate;
  }
  return candidate;
}

/**
 * Why an explicitly given slug is refused (Sentry's message), or null when it is acceptable: lowercase
 * letters, digits, underscores and hyphens, not entirely numeric, not reserved, at most `maxLength`.
 */
export function validateExplicitSlug(slug: string, maxLength: number, reserved: ReadonlySet<string> = new Set()): string | null {
  if (slug.length === 0) return "This field may not be blank.";
  if (slug.length > maxLength) return `Ensure this field has no more than ${maxLength} characters.`;
  if (!/^[a-z0-9_-]+$/.test(slug) || /^\d+$/.test(slug)) {
    return "Enter a valid slug consisting of lowercase letters, numbers, underscores or hyphens. It cannot be entirely numeric.";
  }
  if (reserved.has(slug)) return `The slug "${slug}" is reserved and not allowed.`;
  return null;
}
