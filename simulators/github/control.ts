import type { SimServer } from "../shared/sim-server.js";
import { deliverWebhook } from "./deliver-webhook.js";
import { createIssue, notify, setAssignees } from "./routes.js";
import type { GithubRepo, GithubState } from "./state.js";

/** What tests and `/_sim/` can do to the GitHub simulator. */
export function createGithubControl(server: SimServer, state: GithubState) {
  const repoOf = (fullName: string): GithubRepo => {
    const repo = state.repos.get(fullName.toLowerCase());
    if (!repo) throw new Error(`unknown repository ${fullName}`);
    return repo;
  };
  const issueOf = (fullName: string, number: number) => {
    const repo = repoOf(fullName);
    const issue = repo.issues.get(number);
    if (!issue) throw new Error(`unknown issue ${fullName}#${number}`);
    return { repo, issue };
  };
  const bump = (issue: { updated_at: string }) => {
    const previous = Date.parse(issue.updated_at) / 1000;
    issue.updated_at = new Date(Math.max(server.clock.nowSeconds(), previous + 1) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  };

  const control = {
    /** Installs the app on an account and tells the app (installation.created). */
    async createInstallation(account: string, options: { notify?: boolean } = {}): Promise<number> {
      const id = state.id();
      state.installations.set(id, { id, account: state.user(account), suspended: false });
      if (options.notify !== false) {
        await deliverWebhook(server, state, "installation", {
          action: "created",
          installation: { id, account: { login: account, id: state.user(account).id }, app_id: state.appId },
          sender: { login: account, id: state.user(account).id },
        });
      }
      return id;
    },
    /** Uninstalls and tells the app (installation.deleted). */
    async deleteInstallation(id: number): Promise<void> {
      const inst = state.installations.get(id);
      state.installations.delete(id);
      await deliverWebhook(server, state, "installation", {
        action: "deleted",
        installation: { id, account: inst ? { login: inst.account.login, id: inst.account.id } : null, app_id: state.appId },
        sender: { login: inst?.account.login ?? "ghost", id: inst?.account.id ?? 0 },
      });
    },
    suspendInstallation(id: number, suspended = true): void {
      const inst = state.installations.get(id);
      if (inst) inst.suspended = suspended;
    },
    addRepository(installationId: number, fullName: string): number {
      const [owner, name] = fullName.split("/") as [string, string];
      const id = state.id();
      state.repos.set(fullName.toLowerCase(), { id, owner, name, installationId, issues: new Map() });
      return id;
    },
    addUser(login: string): number {
      return state.user(login).id;
    },
    createIssue(fullName: string, title: string): number {
      return createIssue(state, repoOf(fullName), title, null, server.clock.nowSeconds()).number;
    },
    /** Sets the issue's assignees as a person would on github.com; GitHub delivers the events. */
    async assign(fullName: string, number: number, logins: string[]): Promise<void> {
      const { repo, issue } = issueOf(fullName, number);
      logins.forEach((l) => state.user(l));
      const events = setAssignees(state, issue, logins);
      if (events.length) bump(issue);
      for (const [action, extra] of events) await notify(server, state, repo, issue, action, extra);
    },
    async close(fullName: string, number: number): Promise<void> {
      const { repo, issue } = issueOf(fullName, number);
      issue.state = "closed";
      issue.state_reason = "completed";
      bump(issue);
      await notify(server, state, repo, issue, "closed");
    },
    async reopen(fullName: string, number: number): Promise<void> {
      const { repo, issue } = issueOf(fullName, number);
      issue.state = "open";
      issue.state_reason = "reopened";
      bump(issue);
      await notify(server, state, repo, issue, "reopened");
    },
    issue(fullName: string, number: number) {
      return issueOf(fullName, number).issue;
    },
    /** Delivers any event payload, optionally reusing a delivery id (a redelivery). */
    deliver(event: string, payload: Record<string, unknown>, deliveryId?: string) {
      return deliverWebhook(server, state, event, payload, deliveryId);
    },
    revokeTokens(installationId?: number): void {
      for (const token of state.tokens.values()) if (installationId === undefined || token.installationId === installationId) token.revoked = true;
    },
    setTokenLifetime(seconds: number): void {
      state.tokenLifetimeSeconds = seconds;
    },
    setWebhookUrl(url: string | undefined): void {
      state.webhookUrl = url;
    },
    setDeliveries(enabled: boolean): void {
      state.deliveriesEnabled = enabled;
    },
    setRateLimit(limit: number | undefined): void {
      state.rateLimit = limit === undefined ? undefined : { limit, used: 0, resetAt: server.clock.nowSeconds() + 3600 };
    },
    /** How many installation tokens were minted (for single-flight checks). */
    tokensIssued(): number {
      return state.tokens.size;
    },
  };
  return control;
}

export type GithubControl = ReturnType<typeof createGithubControl>;

/** Mirrors the control handle under `/_sim/` for use from other processes. */
export function registerGithubControlRoutes(server: SimServer, control: GithubControl): void {
  const json = (req: { json: unknown }) => (req.json ?? {}) as Record<string, unknown>;
  const ok = (body: unknown = {}) => ({ status: 200, body });
  server.control("POST", "installations", async (req) => ok({ id: await control.createInstallation(String(json(req).account ?? "acme")) }));
  server.control("POST", "repositories", (req) => ok({ id: control.addRepository(Number(json(req).installationId), String(json(req).fullName)) }));
  server.control("POST", "users", (req) => ok({ id: control.addUser(String(json(req).login)) }));
  server.control("POST", "issues", (req) => ok({ number: control.createIssue(String(json(req).repo), String(json(req).title ?? "Issue")) }));
  server.control("POST", "issues/assign", async (req) => {
    const b = json(req);
    await control.assign(String(b.repo), Number(b.number), Array.isArray(b.assignees) ? b.assignees.map(String) : []);
    return ok();
  });
  server.control("POST", "issues/close", async (req) => (await control.close(String(json(req).repo), Number(json(req).number)), ok()));
  server.control("POST", "issues/reopen", async (req) => (await control.reopen(String(json(req).repo), Number(json(req).number)), ok()));
  server.control("POST", "revoke-tokens", (req) => (control.revokeTokens(json(req).installationId as number | undefined), ok()));
  server.control("POST", "token-lifetime", (req) => (control.setTokenLifetime(Number(json(req).seconds)), ok()));
  server.control("POST", "webhook-target", (req) => (control.setWebhookUrl(json(req).url as string | undefined), ok()));
  server.control("POST", "rate-limit", (req) => (control.setRateLimit(json(req).limit as number | undefined), ok()));
}
