import type { Store } from "./database.js";
import { recordActivity } from "./activity.js";
import { duplicate, earlier, ingestEvent, later, searchMessage, type IngestInput, type IngestOutcome } from "./group-ingest.js";
import { recordGroupHistory } from "./group-history.js";

/** Most events written in one transaction (10 bound values each stays far below SQLite's limit). */
const MAX_BATCH = 500;

interface Pending {
  input: IngestInput;
  resolve: (outcome: IngestOutcome) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for the embedded store: events that arrive while a transaction is being written are saved
 * together in the next one, with one upsert per group (times_seen + n) and one multi-row event insert.
 * SQLite serializes writers anyway, so batching changes nothing about races, only how many statements and
 * commits each event costs. Every caller still learns its outcome only after the commit.
 */
export class IngestBatcher {
  private queue: Pending[] = [];
  private scheduled = false;
  private flushing = false;

  constructor(private readonly store: Store) {}

  /** Saves one event in the next batch; resolves after its transaction committed. */
  submit(input: IngestInput): Promise<IngestOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (!this.scheduled && !this.flushing) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    this.flushing = true;
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, MAX_BATCH);
        let outcomes: IngestOutcome[] | undefined;
        try {
          outcomes = await writeBatch(this.store, batch.map((p) => p.input));
        } catch {
          // One bad event must not fail its neighbours: retry each alone, so each gets its own answer.
        }
        if (outcomes) batch.forEach((p, i) => p.resolve(outcomes[i]!));
        else for (const p of batch) await ingestEvent(this.store, p.input).then(p.resolve, p.reject);
      }
    } finally {
      this.flushing = false;
    }
  }
}

interface GroupPlan {
  projectId: number;
  organizationId: number;
  hash: string;
  members: number[];
  groupId?: number;
  isNew?: boolean;
  isRegression?: boolean;
}

/** Writes a batch in one transaction; outcomes in input order. */
async function writeBatch(store: Store, inputs: IngestInput[]): Promise<IngestOutcome[]> {
  return store.db.transaction().execute(async (trx) => {
    const outcomes: (IngestOutcome | undefined)[] = new Array(inputs.length);
    const stored = await trx
      .selectFrom("events")
      .select(["project_id", "event_id", "group_id"])
      // Both columns, so the (project_id, event_id) unique index answers it.
      .where("project_id", "in", [...new Set(inputs.map((i) => i.event.project))])
      .where("event_id", "in", [...new Set(inputs.map((i) => i.event.event_id))])
      .execute();
    const known = new Map(stored.map((r) => [`${r.project_id}:${r.event_id}`, r.group_id]));
    const firstOfId = new Map<string, number>();
    const plans = new Map<string, GroupPlan>();
    inputs.forEach((input, index) => {
      const idKey = `${input.event.project}:${input.event.event_id}`;
      const storedGroup = known.get(idKey);
      if (storedGroup !== undefined) outcomes[index] = duplicate(input.event, storedGroup);
      else if (firstOfId.has(idKey)) outcomes[index] = duplicate(input.event, -1 - firstOfId.get(idKey)!);
      else {
        firstOfId.set(idKey, index);
        const planKey = `${input.event.project}:${input.grouping.hash}`;
        let plan = plans.get(planKey);
        if (!plan) plans.set(planKey, (plan = { projectId: input.event.project, organizationId: input.organizationId, hash: input.grouping.hash, members: [] }));
        plan.members.push(index);
      }
    });

    for (const plan of plans.values()) {
      const events = plan.members.map((i) => inputs[i]!);
      const last = events[events.length - 1]!;
      const firstSeen = events.map((e) => e.event.timestamp).reduce(earlier);
      const lastSeen = events.map((e) => e.event.timestamp).reduce(later);
      const found = await trx
        .selectFrom("groups")
        .select(["id", "status", "first_seen", "last_seen"])
        .where("project_id", "=", plan.projectId)
        .where("fingerprint_hash", "=", plan.hash)
        .executeTakeFirst();
      const shared = { title: last.grouping.title, culprit: last.grouping.culprit, message: searchMessage(last.event, last.grouping), level: last.event.level };
      if (found) {
        plan.groupId = found.id;
        plan.isRegression = found.status === "resolved";
        await trx
          .updateTable("groups")
          .set((eb) => ({
            ...shared,
            times_seen: eb("times_seen", "+", events.length),
            last_seen: later(found.last_seen, lastSeen),
            first_seen: earlier(found.first_seen, firstSeen),
            ...(plan.isRegression ? { status: "unresolved", resolved_at: null } : {}),
          }))
          .where("id", "=", found.id)
          .execute();
      } else {
        plan.isNew = true;
        const counter = await trx
          .updateTable("projects")
          .set((eb) => ({ group_counter: eb("group_counter", "+", 1) }))
          .where("id", "=", plan.projectId)
          .returning("group_counter")
          .executeTakeFirstOrThrow();
        const inserted = await trx
          .insertInto("groups")
          .values({
            ...shared,
            project_id: plan.projectId,
            short_id: counter.group_counter,
            fingerprint_hash: plan.hash,
            status: "unresolved",
            first_seen: firstSeen,
            last_seen: lastSeen,
            times_seen: events.length,
            resolved_at: null,
            data: JSON.stringify({ grouping: last.grouping.method, platform: last.event.platform }),
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        plan.groupId = inserted.id;
      }
      const firstEvent = events[0]!;
      const groupId = plan.groupId;
      if (plan.isNew) await recordActivity(trx, { projectId: plan.projectId, groupId, type: "first_seen", data: { event_id: firstEvent.event.event_id }, datetime: firstEvent.now });
      if (plan.isRegression) {
        await recordActivity(trx, { projectId: plan.projectId, groupId, type: "set_regression", data: { event_id: firstEvent.event.event_id }, datetime: firstEvent.now });
        await recordGroupHistory(trx, { organizationId: plan.organizationId, projectId: plan.projectId, groupId, status: "regressed", dateAdded: firstEvent.now });
      }
      plan.members.forEach((index, n) => {
        const e = inputs[index]!.event;
        outcomes[index] = { eventId: e.event_id, groupId, projectId: plan.projectId, isNew: n === 0 && plan.isNew === true, isRegression: n === 0 && plan.isRegression === true, duplicate: false };
      });
    }

    const rows = [...plans.values()].flatMap((plan) =>
      plan.members.map((index) => {
        const e = inputs[index]!.event;
        return { project_id: e.project, group_id: plan.groupId!, event_id: e.event_id, timestamp: e.timestamp, received: e.received, level: e.level, message: e.message, platform: e.platform, data: JSON.stringify(e) };
      }),
    );
    if (rows.length) await trx.insertInto("events").values(rows).execute();

    // Duplicates inside the batch point at the group their first copy went to.
    return outcomes.map((o) => (o && o.groupId < 0 ? { ...o, groupId: outcomes[-1 - o.groupId]!.groupId } : o!));
  });
}

const batchers = new WeakMap<Store, IngestBatcher>();

/** Saves an event: batched group commit on the embedded store, one locked transaction per event on PostgreSQL. */
export function saveIngest(store: Store, input: IngestInput): Promise<IngestOutcome> {
  if (store.dialect !== "sqlite") return ingestEvent(store, input);
  let batcher = batchers.get(store);
  if (!batcher) batchers.set(store, (batcher = new IngestBatcher(store)));
  return batcher.submit(input);
}
