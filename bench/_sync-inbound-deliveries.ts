// The deliveries of the sync-inbound benchmark: GitHub `issues` assigned/unassigned payloads in GitHub's
// shape, signed with the webhook secret (X-Hub-Signature-256 over the exact bytes sent), each with a unique
// X-GitHub-Delivery and an `issue.updated_at` that grows with every change, so D10 ordering lets each apply.
import { createHmac, randomUUID } from "node:crypto";
import { BENCH_INSTALLATION, BENCH_LOGINS, BENCH_REPO } from "./_sync-inbound-seed.js";

export interface SignedDelivery {
  /** Index of the group (in the seeded order) whose issue this change is about. */
  groupIndex: number;
  /** The activity row the change must leave on the group. */
  expect: "assigned" | "unassigned";
  /** Index in BENCH_LOGINS of the user the change is about. */
  userIndex: number;
  headers: Record<string, string>;
  body: string;
}

// 2026-01-01T00:00:00Z; one second per change keeps GitHub's second-precision timestamps strictly increasing.
const BASE_UPDATED_AT = Date.UTC(2026, 0, 1);

/**
 * Makes the changes in the order they are sent. Change i is about group i mod groupCount; each group cycles
 * assigned @ana-gh, unassigned, assigned @ben-gh, unassigned, so every change alters the group.
 */
export class ChangeSequence {
  private next = 0;
  private readonly steps: number[];

  constructor(
    private readonly groupCount: number,
    private readonly secret: string,
  ) {
    this.steps = new Array<number>(groupCount).fill(0);
  }

  /** The next `count` signed deliveries (built before a timed run so signing is not on the clock). */
  take(count: number): SignedDelivery[] {
    return Array.from({ length: count }, () => this.one());
  }

  private one(): SignedDelivery {
    const index = this.next++;
    const groupIndex = index % this.groupCount;
    const step = this.steps[groupIndex]!++ % 4;
    const login = BENCH_LOGINS[step < 2 ? 0 : 1];
    const assigned = step % 2 === 0;
    const updatedAt = new Date(BASE_UPDATED_AT + index * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
    const number = groupIndex + 1;
    const payload = {
      action: assigned ? "assigned" : "unassigned",
      assignee: { login, id: step < 2 ? 5001 : 5002, type: "User" },
      issue: {
        number,
        title: `Error ${number}`,
        state: "open",
        html_url: `https://github.com/${BENCH_REPO}/issues/${number}`,
        updated_at: updatedAt,
        assignees: assigned ? [{ login, id: step < 2 ? 5001 : 5002, type: "User" }] : [],
      },
      repository: { full_name: BENCH_REPO, name: BENCH_REPO.split("/")[1] },
      installation: { id: BENCH_INSTALLATION },
      sender: { login, type: "User" },
    };
    const body = JSON.stringify(payload);
    return {
      groupIndex,
      expect: assigned ? "assigned" : "unassigned",
      userIndex: step < 2 ? 0 : 1,
      body,
      headers: {
        "content-type": "application/json",
        "user-agent": "GitHub-Hookshot/bench",
        "x-github-event": "issues",
        "x-github-delivery": randomUUID(),
        "x-hub-signature-256": `sha256=${createHmac("sha256", this.secret).update(body).digest("hex")}`,
      },
    };
  }
}
