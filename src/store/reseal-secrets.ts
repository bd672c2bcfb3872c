import { sql } from "kysely";
import { isSealed, type Vault } from "../platform/vault/vault.js";
import type { Store } from "./database.js";

/** Columns that hold sealed secrets, directly or as sealed strings inside JSON. */
export const SEALED_COLUMNS: ReadonlyArray<{ table: string; column: string }> = [
  { table: "identities", column: "credential" },
  { table: "integrations", column: "metadata" },
  { table: "organization_integrations", column: "config" },
];

/** Registers another column that holds sealed secrets (so `rotate-key` re-encrypts it). */
export function registerSealedColumn(table: string, column: string): void {
  if (!SEALED_COLUMNS.some((c) => c.table === table && c.column === column)) {
    (SEALED_COLUMNS as Array<{ table: string; column: string }>).push({ table, column });
  }
}

/** Re-encrypts every sealed secret under an older key with the vault's newest key. Returns how many rows changed. */
export async function resealSecrets(store: Store, vault: Vault): Promise<number> {
  let changed = 0;
  for (const { table, column } of SEALED_COLUMNS) {
    const rows = await sql<{ id: number; value: string }>`SELECT id, ${sql.ref(column)} AS value FROM ${sql.table(table)}`.execute(store.db);
    for (const row of rows.rows) {
      const next = resealText(row.value, vault);
      if (next === row.value) continue;
      // Compare-and-swap on the old text: a concurrent writer's newer value is never overwritten.
      const result = await sql`UPDATE ${sql.table(table)} SET ${sql.ref(column)} = ${next} WHERE id = ${row.id} AND ${sql.ref(column)} = ${row.value}`.execute(store.db);
      if (Number(result.numAffectedRows ?? 0) > 0) changed++;
    }
  }
  return changed;
}

/** Reseals a column value: a sealed string, or JSON containing sealed strings. */
export function resealText(value: string, vault: Vault): string {
  if (isSealed(value)) return vault.needsReseal(value) ? vault.reseal(value) : value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return value;
  }
  let touched = false;
  const walk = (node: unknown): unknown => {
    if (isSealed(node)) {
      if (!vault.needsReseal(node)) return node;
      touched = true;
      return vault.reseal(node);
    }
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === "object") {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
    }
    return node;
  };
  const next = walk(parsed);
  return touched ? JSON.stringify(next) : value;
}
