import type { BitbucketClient } from "./client.js";
import { repoPath } from "./issues.js";

export interface BitbucketHook {
  uuid: string;
  url: string;
  events: string[];
  active: boolean;
  description?: string;
}

/** The repository's webhook subscriptions. */
export function listHooks(client: BitbucketClient, repo: string): Promise<BitbucketHook[]> {
  return client.collect<BitbucketHook>(`${repoPath(repo)}/hooks`, {}, 100);
}

/** Subscribes `url` to issue events of a repository (the secret, when given, signs deliveries: `X-Hub-Signature`). */
export function createHook(client: BitbucketClient, repo: string, hook: { url: string; description: string; events?: string[]; secret?: string }): Promise<BitbucketHook> {
  return client.request<BitbucketHook>("POST", `${repoPath(repo)}/hooks`, {
    body: { url: hook.url, description: hook.description, active: true, events: hook.events ?? ["issue:created", "issue:updated"], ...(hook.secret ? { secret: hook.secret } : {}) },
  });
}

/** Removes a subscription by uuid (`{...}`). */
export async function deleteHook(client: BitbucketClient, repo: string, uuid: string): Promise<void> {
  await client.request<void>("DELETE", `${repoPath(repo)}/hooks/${encodeURIComponent(uuid)}`);
}
