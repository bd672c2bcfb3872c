import { SignJWT } from "jose";
import type { JiraServerClient } from "./client.js";

/** §9.2: the path token that authenticates Jira's (unsigned) deliveries: HS256 `{"id": external_id}` with the webhook secret. */
export async function webhookToken(externalId: string, webhookSecret: string): Promise<string> {
  return new SignJWT({ id: externalId }).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(new TextEncoder().encode(webhookSecret));
}

/** The absolute URL Jira delivers issue changes to for one integration. */
export async function issueUpdatedUrl(publicUrl: string, externalId: string, webhookSecret: string): Promise<string> {
  return `${publicUrl.replace(/\/+$/, "")}/extensions/jira-server/issue-updated/${await webhookToken(externalId, webhookSecret)}/`;
}

/** `POST /rest/webhooks/1.0/webhook` (§9.2): issue created and updated events to our route; answers Jira's webhook id (its `self`). */
export async function registerIssueWebhook(client: JiraServerClient, url: string): Promise<{ self: string }> {
  return client.request<{ self: string }>("POST", "/rest/webhooks/1.0/webhook", {
    body: { name: "Switchboard Issue Sync", url, events: ["jira:issue_created", "jira:issue_updated"] },
  });
}
