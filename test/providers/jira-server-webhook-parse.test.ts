import { describe, expect, it } from "vitest";
import { parseIssueUpdated } from "../../src/providers/jira-server/webhook.js";

const delivery = (items: Array<Record<string, unknown>>, category: string, assignee: Record<string, unknown> | null = null) => ({
  timestamp: 1461277820031,
  webhookEvent: "jira:issue_updated",
  issue: { key: "SWB-7", fields: { assignee, status: { id: "10001", name: "Done", statusCategory: { key: category } } } },
  changelog: { id: "10400", items },
});

describe("parseIssueUpdated: status changes (§9.5)", () => {
  it("resolves when a status item moves the issue into the done category", () => {
    expect(parseIssueUpdated(delivery([{ field: "status", from: "3", to: "10001" }], "done"), 4)).toEqual([
      { type: "status_changed", integrationId: 4, externalIssueKey: "SWB-7", resolved: true, ordering: 1461277820031 },
    ]);
  });

  it("unresolves when the status item leaves the issue outside the done category", () => {
    expect(parseIssueUpdated(delivery([{ field: "status", from: "10001", to: "10000" }], "new"), 4)[0]).toMatchObject({ type: "status_changed", resolved: false });
  });

  it("reads assignee and status from one changelog, and ignores a status the changelog does not mention", () => {
    const both = parseIssueUpdated(delivery([{ field: "assignee" }, { field: "status" }], "done", { name: "jdoe", emailAddress: "jdoe@example.com" }), 4);
    expect(both.map((e) => e.type)).toEqual(["assignee_changed", "status_changed"]);
    expect(parseIssueUpdated(delivery([{ field: "summary" }], "done"), 4)).toEqual([]);
  });
});
