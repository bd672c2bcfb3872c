import { describe, expect, it } from "vitest";
import { parseBitbucketIssueEvent } from "../../src/providers/bitbucket/webhook.js";
import { parseInstallationEvent, parsePullRequestEvent, parsePushEvent } from "../../src/providers/github/webhook.js";

const repository = { id: 186853002, full_name: "Codertocat/Hello-World", html_url: "https://github.com/Codertocat/Hello-World" };
const commit = (over: Record<string, unknown>) => ({
  id: "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
  distinct: true,
  message: "Fix",
  timestamp: "2019-05-15T15:20:30-04:00",
  author: { name: "Codertocat", email: "21031067+Codertocat@users.noreply.github.com", username: "Codertocat" },
  added: [],
  removed: [],
  modified: [],
  ...over,
});

describe("GitHub push parsing (§3.3)", () => {
  it("keeps only distinct commits and drops those whose message says #skipsentry", () => {
    const push = parsePushEvent({ installation: { id: 1 }, repository, commits: [commit({ id: "a" }), commit({ id: "b", distinct: false }), commit({ id: "c", message: "wip #skipsentry" })] });
    expect(push?.commits.map((c) => c.key)).toEqual(["a"]);
  });

  it("turns an author 'email' without @ into <first 65 characters>@localhost and names the login github:<login>", () => {
    const push = parsePushEvent({ installation: { id: 1 }, repository, commits: [commit({ author: { name: "Bot", email: "x".repeat(80), username: "bot" } })] });
    expect(push?.commits[0]?.author).toEqual({ name: "Bot", email: `${"x".repeat(65)}@localhost`, externalId: "github:bot" });
  });

  it("stores the commit time in UTC with Z (D6) and file changes as A/M/D", () => {
    const push = parsePushEvent({ installation: { id: 1 }, repository, commits: [commit({ added: ["a.ts"], modified: ["b.ts"], removed: ["c.ts"] })] });
    expect(push?.commits[0]?.date).toBe("2019-05-15T19:20:30.000Z");
    expect(push?.commits[0]?.files).toEqual([
      { filename: "a.ts", type: "A" },
      { filename: "b.ts", type: "M" },
      { filename: "c.ts", type: "D" },
    ]);
  });

  it("yields nothing without an installation or a repository", () => {
    expect(parsePushEvent({ repository, commits: [commit({})] })).toBeNull();
    expect(parsePushEvent({ installation: { id: 1 }, commits: [commit({})] })).toBeNull();
  });
});

describe("GitHub pull_request and installation parsing (§3.3)", () => {
  const pr = (merged: boolean) => ({ action: "closed", number: 2, installation: { id: 1 }, repository, pull_request: { number: 2, title: "T", body: "B", merged, merge_commit_sha: "abc", user: { login: "Codertocat" } } });

  it("trusts merge_commit_sha only when merged", () => {
    expect(parsePullRequestEvent(pr(false))?.mergeCommitSha).toBeNull();
    expect(parsePullRequestEvent(pr(true))?.mergeCommitSha).toBe("abc");
  });

  it("names the author github:<login>, falling back to <login>@localhost", () => {
    expect(parsePullRequestEvent(pr(true))?.author).toEqual({ name: "Codertocat", email: "Codertocat@localhost", externalId: "github:Codertocat" });
  });

  it("builds the integration from installation.created: installation id, account login, sender (Sentry's test expectation)", () => {
    const event = parseInstallationEvent({ action: "created", installation: { id: 2, account: { login: "octocat", type: "User" } }, sender: { id: 1, login: "octocat" } });
    expect(event).toEqual({ type: "installed", provider: "github", externalId: "2", name: "octocat", metadata: { sender: { id: 1, login: "octocat" }, account_type: "User", account_id: null } });
    expect(parseInstallationEvent({ action: "deleted", installation: { id: 2 } })).toEqual({ type: "uninstalled", provider: "github", externalId: "2" });
    expect(parseInstallationEvent({ action: "suspend", installation: { id: 2 } })).toBeNull();
  });
});

describe("Bitbucket issue:updated parsing", () => {
  const base = { repository: { uuid: "{r}", full_name: "acme/backend" }, issue: { id: 7, updated_on: "2026-01-01T00:00:00.000000+00:00", assignee: null as unknown, state: "open" } };

  it("uses the issue's current assignee, named @<nickname>, keyed <workspace>/<repo>#<id>, ordered by updated_on (D10)", () => {
    const events = parseBitbucketIssueEvent("issue:updated", { ...base, issue: { ...base.issue, assignee: { nickname: "grace", display_name: "Grace Hopper" } }, changes: { assignee: { old: null, new: {} } } }, 5);
    expect(events).toEqual([{ type: "assignee_changed", integrationId: 5, externalIssueKey: "acme/backend#7", email: null, externalActor: "@grace", displayName: "Grace Hopper", assigned: true, ordering: Date.parse("2026-01-01T00:00:00Z") }]);
  });

  it("unassigns when the issue has no assignee, and maps resolved-like states to resolved", () => {
    const events = parseBitbucketIssueEvent("issue:updated", { ...base, changes: { assignee: { old: {}, new: null }, status: { old: "open", new: "wontfix" } } }, 5);
    expect(events.map((e) => (e.type === "assignee_changed" ? e.assigned : e.resolved))).toEqual([false, true]);
    const reopened = parseBitbucketIssueEvent("issue:updated", { ...base, changes: { status: { old: "resolved", new: "on hold" } } }, 5);
    expect(reopened).toMatchObject([{ type: "status_changed", resolved: false }]);
  });

  it("ignores other events and changes that touch neither assignee nor status", () => {
    expect(parseBitbucketIssueEvent("issue:created", { ...base, changes: { assignee: {} } }, 5)).toEqual([]);
    expect(parseBitbucketIssueEvent("issue:updated", { ...base, changes: { title: { old: "a", new: "b" } } }, 5)).toEqual([]);
  });
});
