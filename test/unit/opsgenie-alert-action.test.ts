import { describe, expect, it } from "vitest";
import { alertAlias, buildAlertPayload, opsgenieActionLabel, type AlertSubject } from "../../src/providers/opsgenie/alert-action.js";

const subject: AlertSubject = {
  groupId: 42,
  title: "ValueError: bad value",
  culprit: "handler(routes)",
  level: "error",
  logger: "app",
  release: "1.2.3",
  projectSlug: "backend",
  projectName: "Backend",
  issueUrl: "https://switchboard.example/organizations/acme/issues/42/",
  ruleLabel: "Page the backend team",
  ruleUrl: "https://switchboard.example/organizations/acme/alerts/rules/backend/7/details/",
  tags: { environment: "production", "a,b": "c,d" },
};

describe("Opsgenie alert payload (§7.4)", () => {
  it("builds Sentry's issue-alert body with the alias, a team responder and P3 by default", () => {
    const payload = buildAlertPayload(subject, "team-uuid");
    expect(payload).toMatchObject({
      message: "ValueError: bad value",
      alias: "sentry: 42",
      source: "Sentry",
      entity: "handler(routes)",
      priority: "P3",
      responders: [{ type: "team", id: "team-uuid" }],
    });
    expect(payload.details).toEqual({
      "Sentry ID": "42",
      "Sentry Group": "ValueError: bad value",
      "Project ID": "backend",
      "Project Name": "Backend",
      Logger: "app",
      Level: "error",
      "Issue URL": "https://switchboard.example/organizations/acme/issues/42/?referrer=opsgenie",
      "Triggering Rules": "Page the backend team",
      "Triggering Rule URLs": subject.ruleUrl,
      Release: "1.2.3",
    });
    expect(payload.description).toContain(subject.title);
  });

  it("uses the priority the action names", () => {
    expect(buildAlertPayload(subject, "t", "P1").priority).toBe("P1");
  });

  it("truncates the message to Opsgenie's 130 characters without splitting a character", () => {
    const long = buildAlertPayload({ ...subject, title: "x".repeat(129) + "😀" + "y".repeat(50) }, "t");
    expect(long.message.length).toBeLessThanOrEqual(130);
    expect(long.message.endsWith("…")).toBe(true);
    expect(long.message).not.toContain("\ud83d");
    const exact = buildAlertPayload({ ...subject, title: "z".repeat(130) }, "t");
    expect(exact.message).toBe("z".repeat(130));
  });

  it("writes tags as key:value with commas stripped, level first, at most 20 of 50 characters", () => {
    const payload = buildAlertPayload({ ...subject, tags: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, "v".repeat(60)])) }, "t");
    expect(payload.tags[0]).toBe("level:error");
    expect(payload.tags).toHaveLength(20);
    expect(payload.tags.every((t) => t.length <= 50)).toBe(true);
    expect(buildAlertPayload(subject, "t").tags).toContain("ab:cd");
  });

  it("keeps details within Opsgenie's 8000 characters", () => {
    const payload = buildAlertPayload({ ...subject, title: "t".repeat(20_000) }, "t");
    const size = Object.entries(payload.details).reduce((n, [k, v]) => n + k.length + v.length, 0);
    expect(size).toBeLessThanOrEqual(8000);
    expect(payload.description.length).toBeLessThanOrEqual(15_000);
  });

  it("has one alias per group, so Opsgenie de-duplicates retried sends", () => {
    expect(alertAlias(42)).toBe("sentry: 42");
    expect(buildAlertPayload(subject, "a").alias).toBe(buildAlertPayload({ ...subject, title: "other" }, "b").alias);
  });

  it("labels the rule action as Sentry does, [removed] for a missing account or team", () => {
    expect(opsgenieActionLabel("acme", "Backend", "P2")).toBe("Send a notification to Opsgenie account acme and team Backend with P2 priority");
    expect(opsgenieActionLabel(undefined, null, "")).toBe("Send a notification to Opsgenie account [removed] and team [removed] with P3 priority");
  });
});
