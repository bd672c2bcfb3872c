import { createHmac, randomUUID } from "node:crypto";
import type { SimServer } from "../shared/sim-server.js";
import type { Delivery } from "../shared/webhook-sender.js";
import { renderIssue, renderRepository, type LinkBase } from "./render.js";
import type { BbIssue, BbRepository, BitbucketState } from "./state.js";

export type IssueEventKey = "issue:created" | "issue:updated";

/** What changed in an `issue:updated`: `{field: {old, new}}`. */
export type IssueChanges = Record<string, { old: unknown; new: unknown }>;

/** Bitbucket's `X-Hub-Signature` for a hook with a secret: `sha256=` + hex HMAC of the raw body. */
export function hubSignature(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}

function headersFor(eventKey: string, hookUuid: string, secret: string | undefined, body: string): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "Bitbucket-Webhooks/2.0",
    "x-event-key": eventKey,
    "x-hook-uuid": hookUuid.replace(/^\{|\}$/g, ""),
    "x-request-uuid": randomUUID(),
    "x-attempt-number": "1",
  };
  if (secret) headers["x-hub-signature"] = hubSignature(secret, body);
  return headers;
}

/**
 * Delivers an issue event to every active hook of the repository subscribed to it, and to the configured
 * webhook target; each delivery is signed with its hook's secret when it has one.
 */
export async function deliverIssueEvent(
  server: SimServer,
  state: BitbucketState,
  base: LinkBase,
  repo: BbRepository,
  issue: BbIssue,
  eventKey: IssueEventKey,
  actor: Record<string, unknown>,
  changes?: IssueChanges,
): Promise<Delivery[]> {
  const payload: Record<string, unknown> = { actor, issue: renderIssue(issue, repo, state, base), repository: renderRepository(repo, state, base) };
  if (eventKey === "issue:updated") {
    payload.changes = changes ?? {};
    payload.comment = {
      type: "issue_comment",
      id: Math.floor(server.clock.now() / 1000),
      content: { type: "rendered", raw: null, markup: "markdown", html: "" },
      created_on: issue.updatedOn,
      updated_on: null,
      user: actor,
      issue: { type: "issue", id: issue.id, title: issue.title, repository: { type: "repository", full_name: `${repo.workspace}/${repo.slug}`, uuid: repo.uuid } },
    };
  }
  const body = JSON.stringify(payload);
  const deliveries: Delivery[] = [];
  for (const hook of repo.hooks.values()) {
    if (!hook.active || !hook.events.includes(eventKey)) continue;
    deliveries.push(await server.webhooks.send(hook.url, headersFor(eventKey, hook.uuid, hook.secret, body), body));
  }
  if (state.webhookUrl) deliveries.push(await server.webhooks.send(state.webhookUrl, headersFor(eventKey, state.targetHookUuid, state.webhookSecret, body), body));
  return deliveries;
}
