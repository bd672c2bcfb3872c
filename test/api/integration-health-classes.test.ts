import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyAuthError } from "../../src/auth/auth-failure-class.js";
import { noteAuthFailure } from "../../src/auth/note-auth-failure.js";
import { consumeInstallState, readInstallState, signInstallState } from "../../src/api/install/install-state.js";
import { AppError } from "../../src/domain/errors.js";
import { ManualClock } from "../../src/platform/clock.js";
import { listAuthFailures } from "../../src/store/auth-failures.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { storeMode } from "../helpers/test-store.js";

describe("auth failure classes", () => {
  it("classifies the errors providers raise, keeping revocations apart from outages and configuration errors", () => {
    expect(classifyAuthError(new AppError("upstream", "azure_api_error", "HTTP 400 (invalid_client): Invalid client auth token."))).toBe("configuration_error");
    expect(classifyAuthError(new AppError("validation", "azure_devops_not_configured", "Set AZURE_DEVOPS_CLIENT_SECRET"))).toBe("configuration_error");
    expect(classifyAuthError(new AppError("upstream", "azure_api_error", "HTTP 503 (unknown_error): down", { detail: { status: 503 } }))).toBe("provider_outage");
    expect(classifyAuthError(new AppError("unavailable", "outbound_unreachable", "connection refused"))).toBe("provider_outage");
    expect(classifyAuthError(new AppError("unavailable", "identity_refresh_busy", "busy"))).toBe("lock_contention");
    expect(classifyAuthError(new AppError("unauthorized", "identity_needs_reauth", "reconnect"))).toBe("revoked");
    expect(classifyAuthError(new AppError("not_found", "github_api_error", "HTTP 404"))).toBeUndefined();
    expect(classifyAuthError("weird")).toBeUndefined();
  });
});

describe(`auth failure counters and install state expiry (${storeMode})`, () => {
  let t: TestApp;
  const clock = new ManualClock(Date.parse("2026-01-01T00:00:00Z"));

  beforeAll(async () => {
    t = await startTestApp({ clock, listen: false });
  });

  afterAll(async () => {
    await t?.close();
  });

  it("counts each class of a credential apart, with the first and last occurrence", async () => {
    const deps = { db: t.app.store.db, clock };
    noteAuthFailure(deps, "vsts", "user-1", "rotated_by_sibling", "lost a race");
    await new Promise((r) => setTimeout(r, 50));
    clock.advance(1000);
    noteAuthFailure(deps, "vsts", "user-1", "rotated_by_sibling", "lost another race");
    noteAuthFailure(deps, "vsts", "user-1", new AppError("unavailable", "identity_refresh_busy", "busy"));
    noteAuthFailure(deps, "vsts", "user-1", new AppError("not_found", "x", "not an auth matter"));
    await new Promise((r) => setTimeout(r, 100));
    const failures = await listAuthFailures(t.app.store.db, "vsts", "user-1");
    const byClass = Object.fromEntries(failures.map((f) => [f.failureClass, f]));
    expect(Object.keys(byClass).sort()).toEqual(["lock_contention", "rotated_by_sibling"]);
    expect(byClass.rotated_by_sibling).toMatchObject({ count: 2, firstAt: "2026-01-01T00:00:00.000Z", lastAt: "2026-01-01T00:00:01.000Z", lastMessage: "lost another race" });
    expect(byClass.lock_contention?.count).toBe(1);
  });

  it("refuses a state after its 10 minutes (install_state_expired) and accepts it before", async () => {
    const state = signInstallState(t.app, 1, "github");
    clock.advance(599_000);
    expect(readInstallState(t.app, state, "github").organizationId).toBe(1);
    clock.advance(2000);
    expect(() => readInstallState(t.app, state, "github")).toThrow(expect.objectContaining({ code: "install_state_expired" }));
    await expect(consumeInstallState(t.app, state, "github")).rejects.toMatchObject({ code: "install_state_expired" });
  });
});
