import type { App } from "../../app.js";
import { EventManager } from "../../domain/event-manager.js";
import { groupEvent } from "../../domain/grouping.js";
import { groupEventHooksFor } from "../../jobs/group-event-hooks.js";
import { isoNow } from "../../platform/clock.js";
import type { IngestOutcome } from "../../store/group-ingest.js";
import { saveIngest } from "../../store/group-ingest-batch.js";

/** Normalizes (once), groups and saves an SDK event for a project, then tells the group-event hooks. */
export async function saveEvent(app: App, target: { projectId: number; organizationId: number }, payload: Record<string, unknown>): Promise<IngestOutcome> {
  const manager = new EventManager(target.projectId, payload, app.clock.now());
  const event = manager.prepare();
  const grouping = groupEvent(event);
  const outcome = await saveIngest(app.store, { organizationId: target.organizationId, event, grouping, now: isoNow(app.clock) });
  if (!outcome.duplicate) {
    await groupEventHooksFor(app).emit(
      { groupId: outcome.groupId, projectId: target.projectId, organizationId: target.organizationId, eventId: outcome.eventId, isNew: outcome.isNew, isRegression: outcome.isRegression },
      app.logger,
    );
  }
  return outcome;
}
