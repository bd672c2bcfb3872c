import { resolveUnresolvedIdentities } from "../../store/unresolved-identities.js";
import { syncGroupAssigneeInbound, type InboundContext, type InboundIdentity } from "../inbound/sync-group-assignee-inbound.js";

/**
 * Once an admin maps a name to a member (an external user), the changes that waited for that name
 * apply: each pending ticket's assignee sync runs again.
 */
export async function applyPendingIdentities(ctx: InboundContext, organizationId: number, integrationId: number, externalName: string): Promise<number> {
  let applied = 0;
  for (const kind of ["email", "external_actor", "missing_email"] as const) {
    const rows = await resolveUnresolvedIdentities(ctx.db, organizationId, integrationId, kind, externalName);
    for (const row of rows) {
      const identity: InboundIdentity =
        kind === "email" ? { email: row.value } : kind === "external_actor" ? { externalActor: row.value } : { missingEmail: row.value };
      const result = await syncGroupAssigneeInbound(ctx, { integrationId, externalIssueKey: row.external_issue_key, identity, ordering: null });
      applied += result.assigned.length;
    }
  }
  return applied;
}
