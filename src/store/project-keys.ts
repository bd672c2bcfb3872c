import { randomBytes } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "./schema.js";

type Db = Kysely<Database> | Transaction<Database>;

/** An active project key, as intake needs it to authenticate an event. */
export interface ActiveProjectKey {
  id: number;
  projectId: number;
  organizationId: number;
  publicKey: string;
  secretKey: string;
}

/** A project key as the API lists it. */
export interface ProjectKeyRow {
  id: number;
  projectId: number;
  label: string;
  publicKey: string;
  secretKey: string;
  isActive: boolean;
  dateAdded: string;
}

/** 32 lowercase hex characters, as Sentry's DSN keys. */
function newKey(): string {
  return randomBytes(16).toString("hex");
}

/** The active key with this public key on an active project, or undefined. */
export async function findActiveProjectKey(db: Db, publicKey: string): Promise<ActiveProjectKey | undefined> {
  return db
    .selectFrom("project_keys")
    .innerJoin("projects", "projects.id", "project_keys.project_id")
    .select([
      "project_keys.id as id",
      "project_keys.project_id as projectId",
      "projects.organization_id as organizationId",
      "project_keys.public_key as publicKey",
      "project_keys.secret_key as secretKey",
    ])
    .where("project_keys.public_key", "=", publicKey)
    .where("project_keys.is_active", "=", 1)
    .where("projects.status", "=", "active")
    .executeTakeFirst();
}

/** Creates a key for a project (label defaults to "Default", as Sentry's first key). */
export async function createProjectKey(db: Db, projectId: number, label?: string, now: string = new Date().toISOString()): Promise<ProjectKeyRow> {
  const row = {
    project_id: projectId,
    label: label ?? "Default",
    public_key: newKey(),
    secret_key: newKey(),
    is_active: 1,
    date_added: now,
  };
  const inserted = await db.insertInto("project_keys").values(row).returning("id").executeTakeFirstOrThrow();
  return { id: inserted.id, projectId, label: row.label, publicKey: row.public_key, secretKey: row.secret_key, isActive: true, dateAdded: now };
}

/** Every key of a project, oldest first. */
export async function listProjectKeys(db: Db, projectId: number): Promise<ProjectKeyRow[]> {
  const rows = await db.selectFrom("project_keys").selectAll().where("project_id", "=", projectId).orderBy("id").execute();
  return rows.map((r) => ({
    id: r.id,
    projectId: r.project_id,
    label: r.label,
    publicKey: r.public_key,
    secretKey: r.secret_key,
    isActive: r.is_active === 1,
    dateAdded: r.date_added,
  }));
}
