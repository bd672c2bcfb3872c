import type { Kysely, Selectable, Transaction } from "kysely";
import type { Database } from "./schema.js";

type Db = Kysely<Database> | Transaction<Database>;

export interface ExternalActorFields {
  organizationId: number;
  integrationId: number;
  provider: string;
  externalName: string;
  externalId: string | null;
  userId: number | null;
  teamId: number | null;
}

export interface ExternalActor extends ExternalActorFields {
  id: number;
}

const toActor = (r: Selectable<Database["external_actors"]>): ExternalActor => ({
  id: r.id,
  organizationId: r.organization_id,
  integrationId: r.integration_id,
  provider: r.provider,
  externalName: r.external_name,
  externalId: r.external_id,
  userId: r.user_id,
  teamId: r.team_id,
});

/** Sentry's get_or_create on every field: the existing identical association, or a new one. */
export async function getOrCreateExternalActor(db: Db, fields: ExternalActorFields, now: string): Promise<{ actor: ExternalActor; created: boolean }> {
  const find = () =>
    db
      .selectFrom("external_actors")
      .selectAll()
      .where("organization_id", "=", fields.organizationId)
      .where("integration_id", "=", fields.integrationId)
      .where("provider", "=", fields.provider)
      .where("external_name", "=", fields.externalName)
      .where((eb) => (fields.externalId === null ? eb("external_id", "is", null) : eb("external_id", "=", fields.externalId)))
      .where((eb) => (fields.userId === null ? eb("user_id", "is", null) : eb("user_id", "=", fields.userId)))
      .where((eb) => (fields.teamId === null ? eb("team_id", "is", null) : eb("team_id", "=", fields.teamId)))
      .executeTakeFirst();
  const existing = await find();
  if (existing) return { actor: toActor(existing), created: false };
  const row = await db
    .insertInto("external_actors")
    .values({
      organization_id: fields.organizationId,
      integration_id: fields.integrationId,
      provider: fields.provider,
      external_name: fields.externalName,
      external_id: fields.externalId,
      user_id: fields.userId,
      team_id: fields.teamId,
      date_added: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { actor: toActor(row), created: true };
}

/** One association of the organization, by kind (user or team actors). */
export async function findExternalActor(db: Db, organizationId: number, id: number, kind: "user" | "team"): Promise<ExternalActor | undefined> {
  const row = await db
    .selectFrom("external_actors")
    .selectAll()
    .where("organization_id", "=", organizationId)
    .where("id", "=", id)
    .where(kind === "user" ? "user_id" : "team_id", "is not", null)
    .executeTakeFirst();
  return row ? toActor(row) : undefined;
}

/** The organization's associations of one kind. */
export async function listExternalActors(db: Db, organizationId: number, kind: "user" | "team"): Promise<ExternalActor[]> {
  const rows = await db
    .selectFrom("external_actors")
    .selectAll()
    .where("organization_id", "=", organizationId)
    .where(kind === "user" ? "user_id" : "team_id", "is not", null)
    .orderBy("id")
    .execute();
  return rows.map(toActor);
}

/** Overwrites an association's fields. */
export async function updateExternalActor(db: Db, id: number, fields: ExternalActorFields): Promise<ExternalActor> {
  const row = await db
    .updateTable("external_actors")
    .set({
      integration_id: fields.integrationId,
      provider: fields.provider,
      external_name: fields.externalName,
      external_id: fields.externalId,
      user_id: fields.userId,
      team_id: fields.teamId,
    })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toActor(row);
}

/** Deletes an association. */
export async function deleteExternalActor(db: Db, id: number): Promise<void> {
  await db.deleteFrom("external_actors").where("id", "=", id).execute();
}
