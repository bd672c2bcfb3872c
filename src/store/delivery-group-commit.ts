import { CompiledQuery, type Insertable, type Kysely } from "kysely";
import type { Database, WebhookDeliveriesTable } from "./schema.js";

/** A delivery row ready to insert. */
export type DeliveryRow = Insertable<WebhookDeliveriesTable>;

interface Waiter {
  row: DeliveryRow;
  resolve(id: number | undefined): void;
  reject(error: unknown): void;
}

export interface GroupCommitOptions {
  /** Most rows in one INSERT. */
  maxRows?: number;
  /** Statements in flight at once (PostgreSQL pool connections a burst may take). */
  maxInFlight?: number;
}

/**
 * Group commit for the webhook inbox: concurrent recordings are gathered into one multi-row
 * `INSERT ... ON CONFLICT DO NOTHING RETURNING`, so a burst costs one round trip and one commit
 * per batch instead of per delivery. A batch starts as soon as a slot is free (no idle wait at low
 * load); while the slots are busy, arrivals accumulate into the next batch. Each caller is answered
 * only after its own batch committed, with its row id or undefined when it was a duplicate.
 */
export class DeliveryGroupCommit {
  private readonly pending: Waiter[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly maxRows: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly db: Kysely<Database>,
    options: GroupCommitOptions = {},
  ) {
    this.maxRows = options.maxRows ?? 64;
    this.maxInFlight = options.maxInFlight ?? 4;
  }

  /** Records one delivery; resolves once its batch committed. */
  record(row: DeliveryRow): Promise<number | undefined> {
    return new Promise((resolve, reject) => {
      this.pending.push({ row, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.pending.length === 0) return;
    this.scheduled = true;
    // One turn of the event loop lets the requests parsed in the same tick join this batch.
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < this.maxInFlight && this.pending.length > 0) {
        const batch = this.pending.splice(0, this.maxRows);
        this.inFlight++;
        void this.flush(batch).finally(() => {
          this.inFlight--;
          this.schedule();
        });
        // Later slots only take what arrived while the first was busy.
        if (this.pending.length < this.maxRows) break;
      }
    });
  }

  private async flush(batch: Waiter[]): Promise<void> {
    // Two callers with the same delivery in one batch: the first one inserts, the others are duplicates.
    const firstOf = new Map<string, Waiter>();
    const unique: Waiter[] = [];
    for (const waiter of batch) {
      const key = `${waiter.row.provider}\u0000${waiter.row.delivery_id}`;
      if (!firstOf.has(key)) {
        firstOf.set(key, waiter);
        unique.push(waiter);
      }
    }
    // Concurrent batches take the unique index's locks in one order (sorted keys), so two batches
    // sharing deliveries wait for each other instead of deadlocking.
    unique.sort((a, b) => compareKeys(a.row, b.row));
    try {
      const inserted = await this.insert(unique.map((w) => w.row));
      const idOf = new Map(inserted.map((r) => [`${r.provider}\u0000${r.delivery_id}`, r.id]));
      for (const waiter of batch) {
        const key = `${waiter.row.provider}\u0000${waiter.row.delivery_id}`;
        waiter.resolve(firstOf.get(key) === waiter ? idOf.get(key) : undefined);
      }
    } catch (error) {
      // One bad row must not fail its neighbours: fall back to one statement per delivery.
      const outcomes = new Map<Waiter, { id: number | undefined } | { error: unknown }>();
      await Promise.all(
        unique.map(async (waiter) => {
          try {
            const [row] = unique.length === 1 ? [] : await this.insert([waiter.row]);
            outcomes.set(waiter, unique.length === 1 ? { error } : { id: row?.id });
          } catch (single) {
            outcomes.set(waiter, { error: single });
          }
        }),
      );
      for (const waiter of batch) {
        const first = firstOf.get(`${waiter.row.provider}\u0000${waiter.row.delivery_id}`) as Waiter;
        const outcome = outcomes.get(first);
        if (!outcome || "error" in outcome) waiter.reject(outcome && "error" in outcome ? outcome.error : error);
        else waiter.resolve(first === waiter ? outcome.id : undefined);
      }
    }
  }

  /**
   * The multi-row INSERT as prepared SQL text per batch size (one per size, reused): building and
   * compiling a 64-row query through the query builder cost more than the store's own work.
   */
  private async insert(rows: DeliveryRow[]): Promise<Array<{ id: number; provider: string; delivery_id: string }>> {
    const params: unknown[] = [];
    for (const row of rows) for (const column of COLUMNS) params.push(row[column] ?? null);
    const result = await this.db.executeQuery<{ id: number; provider: string; delivery_id: string }>(CompiledQuery.raw(this.sqlFor(rows.length), params));
    return result.rows.map((r) => ({ ...r, id: Number(r.id) }));
  }

  private readonly statements = new Map<number, string>();
  private numbered: boolean | undefined;

  private sqlFor(count: number): string {
    let text = this.statements.get(count);
    if (text === undefined) {
      // PostgreSQL numbers its placeholders ($1), SQLite does not (?); ask the dialect once.
      this.numbered ??= this.db.selectFrom("webhook_deliveries").select("id").where("id", "=", 0).compile().sql.includes("$1");
      let n = 0;
      const placeholder = () => (this.numbered ? `$${++n}` : "?");
      const values = Array.from({ length: count }, () => `(${COLUMNS.map(placeholder).join(", ")})`).join(", ");
      text = `insert into "webhook_deliveries" (${COLUMNS.map((c) => `"${c}"`).join(", ")}) values ${values} on conflict ("provider", "delivery_id") do nothing returning "id", "provider", "delivery_id"`;
      this.statements.set(count, text);
    }
    return text;
  }
}

const COLUMNS = ["provider", "delivery_id", "event", "verified_by", "headers", "body", "state", "attempts", "last_error", "received_at", "processed_at", "integration_id"] as const;

function compareKeys(a: DeliveryRow, b: DeliveryRow): number {
  if (a.provider !== b.provider) return a.provider < b.provider ? -1 : 1;
  return a.delivery_id < b.delivery_id ? -1 : a.delivery_id > b.delivery_id ? 1 : 0;
}

const committers = new WeakMap<Kysely<Database>, DeliveryGroupCommit>();

/** The group committer of one store (created on first use). */
export function groupCommitFor(db: Kysely<Database>): DeliveryGroupCommit {
  let committer = committers.get(db);
  if (!committer) {
    committer = new DeliveryGroupCommit(db);
    committers.set(db, committer);
  }
  return committer;
}
