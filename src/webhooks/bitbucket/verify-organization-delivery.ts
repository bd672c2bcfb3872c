import { createHmac, timingSafeEqual } from "node:crypto";
import type { App } from "../../app.js";
import { BITBUCKET_REPOSITORY_PROVIDER, repositoryUuidOf } from "../../providers/bitbucket/webhook.js";

export type OrganizationDeliveryVerdict = { ok: true; integrationId: number; verifiedBy: string } | { ok: false; status: number; code: string; message: string };

function signatureMatches(secret: string, body: Buffer, header: string | undefined): boolean {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header ?? "");
  if (!match?.[1]) return false;
  const expected = createHmac("sha256", secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(match[1], "hex"));
}

/**
 * Who may believe a Bitbucket repository delivery to an organization. Sentry trusts Bitbucket's source IP
 * ranges, which mean nothing on loopback or behind a proxy, and the contracts give Connect hooks no other
 * proof. So: the delivery must name (by uuid) an active repository of this organization that belongs to an
 * active Bitbucket integration the organization has installed; and when that integration holds a hook
 * secret (`webhook_secret`, sealed), the `X-Hub-Signature` HMAC-SHA256 of the raw body must match it.
 */
export async function verifyOrganizationDelivery(app: App, organizationId: number, payload: unknown, body: Buffer, signature: string | undefined): Promise<OrganizationDeliveryVerdict> {
  const uuid = repositoryUuidOf(payload);
  if (!uuid) return { ok: false, status: 401, code: "webhook_repository_unknown", message: "The delivery names no repository of this organization" };
  const row = await app.store.db
    .selectFrom("repositories")
    .innerJoin("integrations", "integrations.id", "repositories.integration_id")
    .innerJoin("organization_integrations", (join) =>
      join.onRef("organization_integrations.integration_id", "=", "integrations.id").onRef("organization_integrations.organization_id", "=", "repositories.organization_id"),
    )
    .select(["integrations.id as integrationId", "integrations.metadata as metadata"])
    .where("repositories.organization_id", "=", organizationId)
    .where("repositories.provider", "=", BITBUCKET_REPOSITORY_PROVIDER)
    .where("repositories.external_id", "=", uuid)
    .where("repositories.status", "=", "active")
    .where("integrations.provider", "=", "bitbucket")
    .where("integrations.status", "=", "active")
    .where("organization_integrations.status", "=", "active")
    .executeTakeFirst();
  if (!row) return { ok: false, status: 401, code: "webhook_repository_unknown", message: "The delivery names no repository of this organization" };
  const sealed = (JSON.parse(row.metadata) as { webhook_secret?: unknown }).webhook_secret;
  if (typeof sealed !== "string" || sealed.length === 0) return { ok: true, integrationId: row.integrationId, verifiedBy: "repository" };
  if (!signatureMatches(app.vault.open(sealed), body, signature)) return { ok: false, status: 401, code: "webhook_signature_mismatch", message: "X-Hub-Signature does not match the hook secret" };
  return { ok: true, integrationId: row.integrationId, verifiedBy: "hook_secret" };
}
