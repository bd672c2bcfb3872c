import type { App } from "../../app.js";
import { AppError } from "../../domain/errors.js";
import type { Installed } from "../../domain/neutral-events.js";
import { GithubClient } from "./client.js";

/** The parts of `GET /app/installations/{id}` (contracts §1.3) the install flow keeps. */
export interface VerifiedInstallation {
  id: string;
  account: { login: string; id: number | null; type: string | null };
  targetType: string | null;
  suspended: boolean;
}

interface InstallationJson {
  id?: number;
  account?: { login?: string; id?: number; type?: string };
  target_type?: string;
  suspended_at?: string | null;
}

/** Where a person installs the app: `<app html_url>/installations/new?state=...` (html_url from `GET /app`, app JWT). */
export async function githubInstallUrl(app: App, state: string): Promise<string> {
  const { data } = await new GithubClient(app, "app").request<{ html_url?: string }>("GET", "/app");
  if (typeof data?.html_url !== "string") throw new AppError("upstream", "github_api_error", "GitHub answered GET /app without html_url");
  const url = new URL(`${data.html_url.replace(/\/+$/, "")}/installations/new`);
  url.searchParams.set("state", state);
  return url.toString();
}

/**
 * Verifies that an installation id from the setup callback belongs to this app (GET /app/installations/{id}
 * with the app JWT): an id the app does not own answers 404 and is refused, a suspended one too.
 */
export async function verifyGithubInstallation(app: App, installationId: string): Promise<VerifiedInstallation> {
  if (!/^\d{1,15}$/.test(installationId)) throw new AppError("validation", "github_installation_invalid", "installation_id must be a number");
  let data: InstallationJson;
  try {
    data = (await new GithubClient(app, installationId).request<InstallationJson>("GET", `/app/installations/${installationId}`)).data;
  } catch (error) {
    if (error instanceof AppError && error.detail?.status === 404) {
      throw new AppError("validation", "github_installation_not_found", "GitHub does not know this installation for this app; install the app again");
    }
    throw error;
  }
  const login = data?.account?.login;
  if (typeof login !== "string") throw new AppError("upstream", "github_api_error", "GitHub answered the installation without an account");
  return {
    id: installationId,
    account: { login, id: typeof data.account?.id === "number" ? data.account.id : null, type: data.account?.type ?? null },
    targetType: data.target_type ?? null,
    suspended: Boolean(data.suspended_at),
  };
}

/** The integration row of a verified installation, shaped as the `installation.created` webhook builds it (§3.3). */
export function githubIntegrationOf(installation: VerifiedInstallation): Installed {
  return {
    type: "installed",
    provider: "github",
    externalId: installation.id,
    name: installation.account.login,
    metadata: { account_type: installation.account.type ?? installation.targetType, account_id: installation.account.id },
  };
}

/** Uninstall at GitHub: `DELETE /app/installations/{id}` (app JWT); an installation already gone is fine. */
export async function deleteGithubInstallation(app: App, installationId: string): Promise<void> {
  try {
    await new GithubClient(app, installationId).request("DELETE", `/app/installations/${installationId}`);
  } catch (error) {
    if (error instanceof AppError && error.detail?.status === 404) return;
    throw error;
  }
}
