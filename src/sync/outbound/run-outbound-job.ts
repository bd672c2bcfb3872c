import type { Kysely } from "kysely";
import { isFeatureEnabled } from "../../domain/features.js";
import { isoNow, type Clock } from "../../platform/clock.js";
import type { Database } from "../../store/schema.js";
import { recordSyncAttempt, type SyncOutcome } from "../../store/sync-log.js";
import { rememberWrittenValue } from "../../store/sync-last-written.js";
import { primaryEmail } from "../../store/user-email.js";
import { configAllows } from "../inbound/where-should-sync.js";
import { issueSyncProviderFor, type OutboundTicket } from "./issue-sync-provider.js";
import { ECHO_REASON, type OutboundJob } from "./outbound-queue.js";

export interface OutboundDeps {
  db: Kysely<Database>;
  clock: Clock;
}

/**
 * §5.4's task: checks that the link still exists and the organization still syncs this way, never
 * writes back to the integration the change came from, then calls the provider. Provider failures
 * are logged and rethrown so the queue retries them.
 */
export async function runOutboundJob(deps: OutboundDeps, job: OutboundJob): Promise<void> {
  const { db } = deps;
  const row = await db
    .selectFrom("external_issues")
    .innerJoin("integrations", "integrations.id", "external_issues.integration_id")
    .innerJoin("organizations", "organizations.id", "external_issues.organization_id")
    .select([
      "external_issues.id as id",
      "external_issues.key as key",
      "external_issues.organization_id as organizationId",
      "integrations.id as integrationId",
      "integrations.provider as provider",
      "integrations.status as integrationStatus",
      "organizations.features as features",
    ])
    .where("external_issues.id", "=", job.externalIssueId)
    .executeTakeFirst();
  // A ticket unlinked or an integration removed since the job was queued is not an error to retry.
  if (!row || row.integrationStatus !== "active") return;
  const field = job.kind;
  const log = (outcome: SyncOutcome, reason: string, detail?: Record<string, unknown>) =>
    recordSyncAttempt(db, {
      organizationId: row.organizationId,
      groupId: job.groupId,
      integrationId: row.integrationId,
      externalIssueKey: row.key,
      direction: "outbound",
      field,
      outcome,
      reason,
      detail,
      createdAt: isoNow(deps.clock),
    });

  if (!isFeatureEnabled(row.features, "integrations-issue-sync")) return log("sync_disabled", "Issue sync is off for this organization");
  if (job.source?.integrationId === row.integrationId) {
    return log("skipped_echo", ECHO_REASON);
  }
  const orgIntegration = await db
    .selectFrom("organization_integrations")
    .select(["config", "status"])
    .where("organization_id", "=", row.organizationId)
    .where("integration_id", "=", row.integrationId)
    .executeTakeFirst();
  if (!orgIntegration || orgIntegration.status !== "active") return;
  if (!configAllows(orgIntegration.config, field === "assignee" ? "outbound_assignee" : "outbound_status")) {
    return log("sync_disabled", `Outbound ${field} sync is off for this organization's integration`);
  }
  const client = await issueSyncProviderFor(row.provider, row.integrationId);
  if (!client) return log("provider_error", `No sync client for provider ${row.provider}`);
  const ticket: OutboundTicket = {
    integrationId: row.integrationId,
    organizationId: row.organizationId,
    externalIssueId: row.id,
    key: row.key,
    config: JSON.parse(orgIntegration.config) as Record<string, unknown>,
  };

  try {
    if (job.kind === "assignee") {
      let assignee: { email: string; name: string; externalNames: string[] } | null = null;
      if (job.assign && job.userId !== null) {
        const email = await primaryEmail(db, job.userId);
        const user = await db.selectFrom("users").select(["name", "username"]).where("id", "=", job.userId).executeTakeFirst();
        if (!email || !user) return log("user_not_found", "The assignee has no email to look up at the provider");
        const actors = await db
          .selectFrom("external_actors")
          .select("external_name")
          .where("organization_id", "=", row.organizationId)
          .where("integration_id", "=", row.integrationId)
          .where("user_id", "=", job.userId)
          .execute();
        assignee = { email, name: user.name || user.username, externalNames: actors.map((a) => a.external_name) };
      }
      // Remembered before the call: the provider's webhook about our change can arrive before its response.
      const echo = assignee ? (client.echoValueFor?.(assignee) ?? assignee.email) : "";
      await rememberWrittenValue(db, row.id, "assignee", echo, isoNow(deps.clock));
      await client.assignTicket(ticket, assignee);
      return log("applied", assignee ? "Ticket assigned" : "Ticket unassigned", assignee ? { email: assignee.email } : {});
    }
    await rememberWrittenValue(db, row.id, "status", job.resolved ? "resolved" : "unresolved", isoNow(deps.clock));
    await client.setTicketResolved(ticket, job.resolved);
    return log("applied", job.resolved ? "Ticket moved to the resolved state" : "Ticket moved to the unresolved state");
  } catch (error) {
    await log("provider_error", (error as Error).message);
    throw error;
  }
}
