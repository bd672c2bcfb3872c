import type { Kysely } from "kysely";
import type { Database } from "../../store/schema.js";

interface InstallationPayload {
  action?: string;
  installation?: { id?: number; account?: { login?: string; id?: number } | null };
  sender?: { id?: number; login?: string };
}

/**
 * §3.3 installation events: `created` upserts the integration (external id = installation id, name =
 * the account, sender kept in metadata); `deleted` disables it and its repositories in every organization.
 */
export async function handleInstallationEvent(db: Kysely<Database>, payload: InstallationPayload, now: string): Promise<void> {
  const id = payload.installation?.id;
  if (typeof id !== "number") return;
  const externalId = String(id);
  if (payload.action === "created") {
    const metadata = JSON.stringify({
      sender: { id: payload.sender?.id ?? null, login: payload.sender?.login ?? null },
      account: { id: payload.installation?.account?.id ?? null, login: payload.installation?.account?.login ?? null },
    });
    const name = payload.installation?.account?.login ?? payload.sender?.login ?? externalId;
    await db
      .insertInto("integrations")
      .values({ provider: "github", external_id: externalId, name, status: "active", metadata, date_added: now, date_updated: now })
      .onConflict((oc) => oc.columns(["provider", "external_id"]).doUpdateSet({ name, metadata, status: "active", date_updated: now }))
      .execute();
    return;
  }
  if (payload.action === "deleted") {
    const integration = await db.selectFrom("integrations").select("id").where("provider", "=", "github").where("external_id", "=", externalId).executeTakeFirst();
    if (!integration) return;
    await db.transaction().execute(async (tx) => {
      await tx.updateTable("integrations").set({ status: "disabled", date_updated: now }).where("id", "=", integration.id).execute();
      await tx.updateTable("repositories").set({ status: "disabled" }).where("integration_id", "=", integration.id).execute();
    });
  }
}
