import { randomBytes } from "node:crypto";
import { AppError } from "../../domain/errors.js";
import { assertTargetAllowed } from "../../platform/http/target-policy.js";
import { rsaPrivateKey } from "../../auth/schemes/oauth1-sign.js";
import type { JiraServerClient } from "./client.js";
import type { JiraServerSetup } from "./oauth-dance.js";

/**
 * Checks the setup form (§9.1): an http(s) base URL that outbound policy allows (a forbidden target is a
 * clear 400 now, not a failure later), a consumer key, and an RSA private key that parses. Field errors
 * come back in Sentry's `{"field": ["message"]}` shape.
 */
export async function validateJiraServerSetup(input: { baseUrl?: string; consumerKey?: string; privateKey?: string }, allowedPrivateTargets: string[]): Promise<JiraServerSetup> {
  const fields: Record<string, string[]> = {};
  const baseUrl = (input.baseUrl ?? "").trim().replace(/\/+$/, "");
  const consumerKey = (input.consumerKey ?? "").trim();
  const privateKeyPem = (input.privateKey ?? "").trim();
  if (!baseUrl) fields.base_url = ["Enter the base URL of your Jira server."];
  if (!consumerKey) fields.consumer_key = ["Enter the consumer key of the application link."];
  else if (consumerKey.length > 200) fields.consumer_key = ["The consumer key is at most 200 characters."];
  if (!privateKeyPem) fields.private_key = ["Paste the private key of the application link (PEM)."];
  if (baseUrl) {
    try {
      await assertTargetAllowed(baseUrl, allowedPrivateTargets);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      fields.base_url = [error.message];
    }
  }
  if (privateKeyPem) {
    try {
      rsaPrivateKey(privateKeyPem);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      fields.private_key = [error.message];
    }
  }
  if (Object.keys(fields).length) throw new AppError("validation", "jira_server_setup_invalid", "The Jira Server setup form has errors", { fields });
  return { baseUrl, consumerKey, privateKeyPem };
}

/** The integration's external id, as Sentry builds it: `<host of the base URL>:<consumer key>`. */
export function jiraServerExternalId(setup: Pick<JiraServerSetup, "baseUrl" | "consumerKey">): string {
  return `${new URL(setup.baseUrl).host}:${setup.consumerKey}`;
}

/** A new secret for the webhook path token (§9.2). */
export function newWebhookSecret(): string {
  return randomBytes(32).toString("hex");
}

/** The webhook id from the `self` URL Jira answered the registration with (`.../rest/webhooks/1.0/webhook/{id}`). */
export function webhookIdOf(self: string): string | undefined {
  return /\/rest\/webhooks\/1\.0\/webhook\/(\d+)\/?$/.exec(self)?.[1];
}

/** Removes our webhook at Jira (uninstall); one already gone is fine. */
export async function deleteIssueWebhook(client: JiraServerClient, webhookId: string): Promise<void> {
  try {
    await client.request("DELETE", `/rest/webhooks/1.0/webhook/${encodeURIComponent(webhookId)}`);
  } catch (error) {
    if (error instanceof AppError && (error.kind === "not_found" || error.detail?.status === 404)) return;
    throw error;
  }
}

/** A read-only call that exercises the credential: `GET /rest/api/2/myself`. */
export async function jiraServerMyself(client: JiraServerClient): Promise<{ name?: string; displayName?: string }> {
  return client.request<{ name?: string; displayName?: string }>("GET", "/rest/api/2/myself");
}
