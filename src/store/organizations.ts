import type { App } from "../app.js";
import { AppError } from "../domain/errors.js";
import { chooseSlug, slugify } from "../domain/slug.js";
import { isoNow } from "../platform/clock.js";
import { saveWithSnowflakeId } from "./snowflake-save.js";
import { isUniqueViolation } from "./unique-violation.js";

/** Organization slugs that would shadow routes. */
const RESERVED_ORG_SLUGS = new Set(["api", "extensions", "healthz", "static", "login", "logout", "settings", "new"]);

/** Creates an organization with a unique slug (snowflake id, §11.2). */
export async function createOrganization(app: App, input: { name: string; slug?: string }): Promise<{ id: number; slug: string; name: string }> {
  const db = app.store.db;
  const taken = async (slug: string) =>
    (await db.selectFrom("organizations").select("id").where((eb) => eb(eb.fn("lower", ["slug"]), "=", slug.toLowerCase())).executeTakeFirst()) !== undefined;
  let slug: string;
  if (input.slug) {
    slug = slugify(input.slug);
    if (slug !== input.slug.toLowerCase() || RESERVED_ORG_SLUGS.has(slug)) {
      throw new AppError("validation", "invalid_slug", "Invalid slug", { fields: { slug: ["Enter a valid slug consisting of lowercase letters, numbers, underscores or hyphens. It cannot be entirely numeric."] } });
    }
    if (await taken(slug)) throw new AppError("conflict", "organization_slug_taken", `An organization with the slug "${slug}" already exists`);
  } else {
    slug = await chooseSlug(input.name, taken, 50, RESERVED_ORG_SLUGS);
  }
  const now = isoNow(app.clock);
  return saveWithSnowflakeId(app.ids, "organization", async (id) => {
    await db.insertInto("organizations").values({ id, slug, name: input.name, status: "active", features: "{}", date_added: now }).execute();
    return { id, slug, name: input.name };
  });
}

/** An organization by slug (case-insensitive). */
export async function findOrganizationBySlug(app: App, slug: string) {
  return app.store.db
    .selectFrom("organizations")
    .selectAll()
    .where((eb) => eb(eb.fn("lower", ["slug"]), "=", slug.toLowerCase()))
    .executeTakeFirst();
}

/** Renames an organization, changes its slug (409 when taken) or switches features (D16). */
export async function updateOrganization(
  app: App,
  organizationId: number,
  changes: { name?: string; slug?: string; features?: Record<string, boolean> },
): Promise<void> {
  const db = app.store.db;
  const current = await db.selectFrom("organizations").select(["features"]).where("id", "=", organizationId).executeTakeFirstOrThrow();
  const set: { name?: string; slug?: string; features?: string } = {};
  if (changes.name !== undefined) set.name = changes.name;
  if (changes.slug !== undefined) {
    if (RESERVED_ORG_SLUGS.has(changes.slug)) throw new AppError("validation", "invalid_slug", "Invalid slug", { fields: { slug: [`The slug "${changes.slug}" is reserved and not allowed.`] } });
    const other = await db
      .selectFrom("organizations")
      .select("id")
      .where((eb) => eb(eb.fn("lower", ["slug"]), "=", changes.slug!.toLowerCase()))
      .where("id", "!=", organizationId)
      .executeTakeFirst();
    if (other) throw new AppError("conflict", "organization_slug_taken", `An organization with the slug "${changes.slug}" already exists`);
    set.slug = changes.slug;
  }
  if (changes.features) {
    let stored: Record<string, unknown>;
    try {
      stored = JSON.parse(current.features) as Record<string, unknown>;
    } catch {
      stored = {};
    }
    set.features = JSON.stringify({ ...stored, ...changes.features });
  }
  if (Object.keys(set).length === 0) return;
  try {
    await db.updateTable("organizations").set(set).where("id", "=", organizationId).execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("conflict", "organization_slug_taken", `An organization with the slug "${changes.slug}" already exists`);
    throw error;
  }
}
