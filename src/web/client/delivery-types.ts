/** One row of the webhook delivery log (a recorded delivery or a rejected request). */
export interface Delivery {
  id: string;
  provider: string;
  event: string | null;
  deliveryId: string | null;
  state: string;
  verifiedBy: string | null;
  receivedAt: string;
  processedAt: string | null;
  attempts: number;
  lastError: string | null;
  rejection: { reason: string; secretTried: string } | null;
}

/** A delivery with what was recorded about it. */
export interface DeliveryDetail extends Delivery {
  integrationId: string | null;
  headers: Record<string, string>;
  body: string | null;
  attemptsLog: { outcome: string; error: string | null; finishedAt: string }[];
}

/** Per-minute counts by provider and outcome. */
export interface DeliveryStats {
  minutes: number;
  start: string;
  buckets: { minute: string; counts: { provider: string; outcome: string; count: number }[] }[];
}

export const PROVIDER_NAMES: Record<string, string> = { github: "GitHub", vsts: "Azure DevOps", jira_server: "Jira Server", bitbucket: "Bitbucket" };
export const DELIVERY_STATES = ["received", "processed", "failed", "dead", "rejected"];
